'use client';

import { useId, useState, type FormEvent } from 'react';
import type { Transfer } from '@swarmhub/api-types';
import { AgentError, type AgentClient } from '../../lib/agent-client';

export function AddMagnetForm({
  client,
  onAdded,
}: {
  client: AgentClient;
  onAdded: (transfer: Transfer) => void;
}) {
  const ids = useId();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const magnet = String(new FormData(form).get('magnet') ?? '').trim();
    if (!/^magnet:\?/i.test(magnet)) {
      setMessage({ ok: false, text: 'A magnet link starts with “magnet:?”.' });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      const transfer = await client.addTransfer({ magnet });
      onAdded(transfer);
      form.reset();
      setMessage({ ok: true, text: `Added “${transfer.name || transfer.infoHash}”.` });
    } catch (error) {
      setMessage({ ok: false, text: error instanceof AgentError ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`}>Add a magnet link</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${ids}-magnet`}>Magnet link</label>
          <input
            id={`${ids}-magnet`}
            name="magnet"
            type="text"
            inputMode="url"
            placeholder="magnet:?xt=urn:btih:…"
            required
          />
        </div>
        {message ? (
          <p className={message.ok ? 'ok' : 'field-error'} role={message.ok ? 'status' : 'alert'}>
            {message.text}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add'}
        </button>
      </form>
    </section>
  );
}
