// Builds the nested folder view of a torrent's flat file list ("a/b/c.txt" paths).

export interface FileTreeNode {
  name: string;
  /** Path from the torrent's root, '/'-separated: unique, so usable as a React key. */
  path: string;
  size: number;
  /** Present for folders, sorted: folders first, then files, each by name. */
  children?: FileTreeNode[];
}

export function buildFileTree(files: { path: string; size: number }[]): FileTreeNode[] {
  const root: FileTreeNode = { name: '', path: '', size: 0, children: [] };
  for (const file of files) {
    const parts = file.path.split('/').filter((part) => part.length > 0);
    if (parts.length === 0) continue;
    let node = root;
    node.size += file.size;
    parts.forEach((part, depth) => {
      const isLast = depth === parts.length - 1;
      const path = parts.slice(0, depth + 1).join('/');
      const children = (node.children ??= []);
      let child = children.find((c) => c.name === part && Boolean(c.children) === !isLast);
      if (!child) {
        child = isLast
          ? { name: part, path, size: 0 }
          : { name: part, path, size: 0, children: [] };
        children.push(child);
      }
      child.size += file.size;
      node = child;
    });
  }
  sortTree(root);
  return root.children ?? [];
}

function sortTree(node: FileTreeNode): void {
  if (!node.children) return;
  node.children.sort((a, b) => {
    if (Boolean(a.children) !== Boolean(b.children)) return a.children ? -1 : 1;
    return a.name.localeCompare(b.name);
  });
  node.children.forEach(sortTree);
}
