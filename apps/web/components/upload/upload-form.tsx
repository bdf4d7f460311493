'use client';

import Link from 'next/link';
import {
  startTransition,
  useActionState,
  useId,
  useRef,
  useState,
  type DragEvent,
  type FormEvent,
} from 'react';
import { formatBytes } from '../../lib/format';
import {
  checkTorrentFile,
  MAX_DESCRIPTION_LENGTH,
  MAX_TAGS_LENGTH,
  MAX_TITLE_LENGTH,
} from '../../lib/upload-rules';
import { uploadTorrentAction, type UploadState } from './upload-action';

async function firstByteOf(file: File): Promise<number | undefined> {
  const bytes = new Uint8Array(await file.slice(0, 1).arrayBuffer());
  return bytes[0];
}

export function UploadForm() {
  const [state, uploadAction, pending] = useActionState<UploadState, FormData>(
    uploadTorrentAction,
    {},
  );
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const [chosen, setChosen] = useState<{ name: string; size: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = useId();

  async function check(file: File | undefined): Promise<boolean> {
    if (!file) {
      setChosen(null);
      setFileProblem('Choose a .torrent file to upload.');
      return false;
    }
    setChosen({ name: file.name, size: file.size });
    const problem = checkTorrentFile(file, file.size > 0 ? await firstByteOf(file) : undefined);
    setFileProblem(problem);
    return problem === null;
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const files = event.dataTransfer.files;
    if (!fileInput.current || files.length === 0) return;
    // Only the first file: the catalog takes one torrent per upload.
    const transfer = new DataTransfer();
    transfer.items.add(files[0]!);
    fileInput.current.files = transfer.files;
    void check(files[0]);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand (not through the form's `action`) keeps the fields filled in when the
    // server answers with an error, so the user can correct one thing and try again.
    event.preventDefault();
    const form = event.currentTarget;
    if (!(await check(fileInput.current?.files?.[0]))) {
      fileInput.current?.focus();
      return;
    }
    const data = new FormData(form);
    startTransition(() => uploadAction(data));
  }

  const fileErrorId = `${ids}-file-error`;
  const serverErrorId = `${ids}-server-error`;
  return (
    <form
      className="upload-form"
      onSubmit={onSubmit}
      noValidate
      aria-describedby={state.error ? serverErrorId : undefined}
    >
      <div
        className={`drop-zone${dragging ? ' drop-zone-active' : ''}${fileProblem ? ' drop-zone-invalid' : ''}`}
        onDragEnter={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragOver={(event) => event.preventDefault()}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor={`${ids}-torrent`}>Torrent file</label>
        <input
          ref={fileInput}
          id={`${ids}-torrent`}
          name="torrent"
          type="file"
          accept=".torrent,application/x-bittorrent"
          required
          aria-invalid={fileProblem ? true : undefined}
          aria-describedby={fileProblem ? fileErrorId : `${ids}-drop-hint`}
          onChange={(event) => void check(event.currentTarget.files?.[0])}
        />
        <p id={`${ids}-drop-hint`} className="hint">
          {chosen && !fileProblem
            ? `${chosen.name} (${formatBytes(chosen.size)})`
            : 'Choose a file, or drop a .torrent file here. Up to 10 MiB.'}
        </p>
        {fileProblem ? (
          <p id={fileErrorId} className="field-error" role="alert">
            {fileProblem}
          </p>
        ) : null}
      </div>

      <div className="field">
        <label htmlFor={`${ids}-title`}>Title</label>
        <input
          id={`${ids}-title`}
          name="title"
          type="text"
          maxLength={MAX_TITLE_LENGTH}
          placeholder="Defaults to the torrent's name"
        />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-description`}>Description</label>
        <textarea
          id={`${ids}-description`}
          name="description"
          rows={5}
          maxLength={MAX_DESCRIPTION_LENGTH}
        />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${ids}-category`}>Category</label>
          <input
            id={`${ids}-category`}
            name="category"
            type="text"
            maxLength={MAX_TITLE_LENGTH}
            placeholder="e.g. Software"
          />
        </div>
        <div className="field field-grow">
          <label htmlFor={`${ids}-tags`}>Tags</label>
          <input
            id={`${ids}-tags`}
            name="tags"
            type="text"
            maxLength={MAX_TAGS_LENGTH}
            placeholder="linux, iso"
            aria-describedby={`${ids}-tags-hint`}
          />
          <p id={`${ids}-tags-hint`} className="hint">
            Separated by commas.
          </p>
        </div>
      </div>

      {state.error ? (
        <div id={serverErrorId} className="notice notice-error" role="alert">
          <p>{state.error}</p>
          {state.existingInfoHash ? (
            <p>
              <Link href={`/torrents/${state.existingInfoHash}`}>
                Open the torrent already in the catalog
              </Link>
            </p>
          ) : null}
        </div>
      ) : null}

      <button
        type="submit"
        className="button button-primary"
        disabled={pending}
        aria-busy={pending}
      >
        {pending ? 'Uploading…' : 'Upload'}
      </button>
    </form>
  );
}
