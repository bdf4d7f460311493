import Link from 'next/link';
import { NavLink } from './nav-link';

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
            <NavLink href="/">Catalog</NavLink>
          </li>
          <li>
            <NavLink href="/upload">Upload</NavLink>
          </li>
          <li>
            <NavLink href="/agent">My agent</NavLink>
          </li>
        </ul>
      </nav>
    </header>
  );
}
