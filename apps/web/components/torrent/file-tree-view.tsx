import { buildFileTree, type FileTreeNode } from '../../lib/file-tree';
import { formatBytes } from '../../lib/format';

function Node({ node }: { node: FileTreeNode }) {
  if (!node.children) {
    return (
      <li className="file">
        <span className="file-name">{node.name}</span>{' '}
        <span className="file-size">{formatBytes(node.size)}</span>
      </li>
    );
  }
  return (
    <li className="folder">
      <details open>
        <summary>
          <span className="file-name">{node.name}/</span>{' '}
          <span className="file-size">{formatBytes(node.size)}</span>
        </summary>
        <ul>
          {node.children.map((child) => (
            <Node key={child.path} node={child} />
          ))}
        </ul>
      </details>
    </li>
  );
}

export function FileTreeView({ files }: { files: { path: string; size: number }[] }) {
  const tree = buildFileTree(files);
  if (tree.length === 0)
    return <p className="muted">The catalog lists no files for this torrent.</p>;
  return (
    <ul className="file-tree" aria-label="Files and folders">
      {tree.map((node) => (
        <Node key={node.path} node={node} />
      ))}
    </ul>
  );
}
