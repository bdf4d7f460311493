'use client';

import Link from 'next/link';
import { useId, useState, type FormEvent } from 'react';
import type { CreateTorrentResponse, Transfer } from '@swarmhub/api-types';
import { AgentError, type AgentClient } from '../../lib/agent-client';

// The agent hashes a file or folder on the user's machine, seeds it, and (when asked) publishes
// the new torrent to this site's catalog.
export function CreateTorrentForm({
  client,
  announceUrl,
  catalogUrl,
  onCreated,
}: {
  client: AgentClient;
  announceUrl: string;
  catalogUrl: string;
  onCreated: (transfer: Transfer) => void;
}) {
  const ids = useId();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CreateTorrentResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const path = text('path');
    if (!path) {
      setProblem('Enter the path of a file or folder on the computer your agent runs on.');
      return;
    }
    const publish = data.get('publish') === 'on';
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      const created = await client.create({
        path,
        trackers: [text('tracker') || announceUrl],
        publishTo: publish ? catalogUrl : undefined,
        title: text('title') || undefined,
        description: text('description') || undefined,
        category: text('category') || undefined,
        tags: text('tags') || undefined,
        private: data.get('private') === 'on',
      });
      onCreated(created.transfer);
      setResult(created);
    } catch (error) {
      setProblem(error instanceof AgentError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`}>Create and publish</h2>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <div className="field">
          <label htmlFor={`${ids}-path`}>Local path</label>
          <input
            id={`${ids}-path`}
            name="path"
            type="text"
            placeholder="/home/me/Videos/talk.mp4"
            required
            aria-describedby={`${ids}-path-hint`}
          />
          <p id={`${ids}-path-hint`} className="hint">
            A file or folder on the computer your agent runs on, inside a folder the agent is
            allowed to share.
          </p>
        </div>
        <div className="field">
          <label htmlFor={`${ids}-tracker`}>Tracker announce URL</label>
          <input id={`${ids}-tracker`} name="tracker" type="url" defaultValue={announceUrl} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-title`}>Title</label>
          <input id={`${ids}-title`} name="title" type="text" maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-description`}>Description</label>
          <textarea id={`${ids}-description`} name="description" rows={3} maxLength={10000} />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${ids}-category`}>Category</label>
            <input id={`${ids}-category`} name="category" type="text" maxLength={200} />
          </div>
          <div className="field field-grow">
            <label htmlFor={`${ids}-tags`}>Tags (comma-separated)</label>
            <input id={`${ids}-tags`} name="tags" type="text" maxLength={500} />
          </div>
        </div>
        <div className="checks">
          <label>
            <input type="checkbox" name="publish" defaultChecked /> Publish to this catalog
          </label>
          <label>
            <input type="checkbox" name="private" /> Private (peers only from the tracker)
          </label>
        </div>
        {problem ? (
          <p className="field-error" role="alert">
            {problem}
          </p>
        ) : null}
        {result ? (
          <div className="ok" role="status">
            <p>
              Created and seeding <code>{result.infoHash}</code>.{' '}
              {result.published ? (
                <Link href={`/torrents/${result.infoHash}`}>Open it in the catalog</Link>
              ) : null}
            </p>
          </div>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Hashing…' : 'Create'}
        </button>
      </form>
    </section>
  );
}
