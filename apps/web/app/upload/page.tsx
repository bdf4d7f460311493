import type { Metadata } from 'next';
import { UploadForm } from '../../components/upload/upload-form';

export const metadata: Metadata = { title: 'Upload' };

export default function UploadPage() {
  return (
    <>
      <h1>Upload a torrent</h1>
      <p className="lede">
        Add a <code>.torrent</code> file to the catalog. To share a file you have not made a torrent
        of yet, use “Create and publish” on <a href="/agent">My agent</a>: it hashes the file and
        starts seeding it.
      </p>
      <UploadForm />
    </>
  );
}
