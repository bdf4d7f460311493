'use server';

import { redirect } from 'next/navigation';
import { TrackerApiError, uploadTorrent } from '../../lib/tracker-api';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_TAGS_LENGTH,
  MAX_TITLE_LENGTH,
  MAX_TORRENT_FILE_BYTES,
} from '../../lib/upload-rules';

export interface UploadState {
  error?: string;
  /** Set when the catalog already has this torrent: the form links to it. */
  existingInfoHash?: string;
}

export async function uploadTorrentAction(
  _previous: UploadState,
  form: FormData,
): Promise<UploadState> {
  const file = form.get('torrent');
  if (!(file instanceof File) || file.size === 0)
    return { error: 'Choose a .torrent file to upload.' };
  if (file.size > MAX_TORRENT_FILE_BYTES)
    return { error: 'The catalog accepts .torrent files up to 10 MiB.' };

  const forward = new FormData();
  forward.set('torrent', file, file.name);
  const fields: [string, number][] = [
    ['title', MAX_TITLE_LENGTH],
    ['description', MAX_DESCRIPTION_LENGTH],
    ['category', MAX_TITLE_LENGTH],
    ['tags', MAX_TAGS_LENGTH],
  ];
  for (const [name, maxLength] of fields) {
    const value = form.get(name);
    if (typeof value !== 'string' || value.trim() === '') continue;
    if (value.length > maxLength)
      return { error: `The ${name} is longer than ${maxLength} characters.` };
    forward.set(name, value.trim());
  }

  let infoHash: string;
  try {
    infoHash = (await uploadTorrent(forward)).infoHash;
  } catch (error) {
    if (!(error instanceof TrackerApiError)) throw error;
    if (error.code === 'DUPLICATE')
      return { error: error.message, existingInfoHash: error.existingInfoHash };
    return { error: error.message };
  }
  // Outside the try: redirect() works by throwing, and that must reach Next untouched.
  redirect(`/torrents/${infoHash}`);
}
