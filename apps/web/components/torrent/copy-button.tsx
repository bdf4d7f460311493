'use client';

import { useState } from 'react';

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      // The clipboard needs a secure context (https or localhost); the field below stays selectable.
      setStatus('failed');
    }
    setTimeout(() => setStatus('idle'), 3000);
  }

  return (
    <>
      <button type="button" className="button" onClick={() => void copy()}>
        {label}
      </button>
      <span role="status" className="copy-status">
        {status === 'copied'
          ? 'Copied.'
          : status === 'failed'
            ? 'Copying is not allowed here: select the link below and copy it.'
            : ''}
      </span>
    </>
  );
}
