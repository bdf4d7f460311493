import Link from 'next/link';

export function SiteHeader() {
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        <span aria-hidden="true" className="brand-mark">
          ◆
        </span>{' '}
        Swarmhub
      </Link>
      <nav aria-label="Main">
        <ul className="nav-links">
          <li>
            <Link href="/">Catalog</Link>
          </li>
          <li>
            <Link href="/upload">Upload</Link>
          </li>
          <li>
            <Link href="/agent">My agent</Link>
          </li>
        </ul>
      </nav>
    </header>
  );
}
