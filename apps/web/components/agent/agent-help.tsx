export function AgentHelp() {
  return (
    <section id="agent-help" className="card help" aria-labelledby="agent-help-heading">
      <h2 id="agent-help-heading">How your agent and this page work together</h2>
      <p>
        Downloads and seeding run in the peer agent on your own computer, not in this web site. This
        page talks to the agent directly from your browser, at its address on your computer (by
        default <code>http://127.0.0.1:6880</code>).
      </p>
      <h3>Start and pair</h3>
      <ol>
        <li>
          Run <code>npx peer-agent serve</code> (add <code>--download-dir ~/Downloads</code> to
          choose where files go).
        </li>
        <li>
          It prints a pairing link such as{' '}
          <code>http://localhost:3000/agent#agent=…&amp;token=…</code>. Open it in this browser. The
          token after <code>#</code> never leaves your browser: it is kept in this site&apos;s local
          storage and removed from the address bar. It belongs to this site&apos;s exact address:{' '}
          <code>localhost</code> and <code>127.0.0.1</code> count as two sites, so open the link at
          the address you use.
        </li>
        <li>
          If this site is not at <code>http://localhost:3000</code>, start the agent with{' '}
          <code>--allow-origin &lt;this site&apos;s origin&gt;</code>: it refuses pages from other
          sites.
        </li>
      </ol>
      <h3>“Allow access to devices on your local network?”</h3>
      <p>
        When this site is served from another machine, Chromium-based browsers (Chrome, Edge, Brave)
        ask before a web page may reach an address on your own computer or network (Local Network
        Access). Choose <strong>Allow</strong> so this page can reach your agent. If you chose
        Block, open the site settings (the icon left of the address) and allow “Local network
        access”, then reload. The agent still demands its token and only answers the origins you
        allowed, so allowing the prompt lets this site, and only it, use the agent.
      </p>
    </section>
  );
}
