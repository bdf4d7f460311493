import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '../components/layout/site-header';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Swarmhub', template: '%s · Swarmhub' },
  description:
    'A self-hosted BitTorrent catalog: browse, upload, and download with your own agent.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <SiteHeader />
        <main id="main" className="page">
          {children}
        </main>
      </body>
    </html>
  );
}
