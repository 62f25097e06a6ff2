/**
 * Authors in the order of their latest admitted entry, each with that entry's id, so that the
 * latest entries of the k most recently active authors cost k steps whatever the ledger's size:
 * a doubly linked list over a Map, where moving an author to the newest end costs the same at
 * any size. Authors are attacker-chosen strings, so they key a Map.
 */

interface Node {
  author: string;
  /** The author's latest entry in admission order. */
  id: string;
  older: Node | undefined;
  newer: Node | undefined;
}

export class RecentAuthors {
  private readonly nodes = new Map<string, Node>();
  private newest: Node | undefined;

  /** `id`, just admitted, is now `author`'s latest entry. */
  touch(author: string, id: string): void {
    let node = this.nodes.get(author);
    if (node === undefined) {
      node = { author, id, older: undefined, newer: undefined };
      this.nodes.set(author, node);
    } else {
      node.id = id;
      if (node === this.newest) return;
      this.unlink(node);
    }
    node.older = this.newest;
    node.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = node;
    this.newest = node;
  }

  /** The latest entry ids of up to `max` authors other than `except`, most recent first. */
  latest(except: string, max: number): string[] {
    const ids: string[] = [];
    for (let node = this.newest; node !== undefined && ids.length < max; node = node.older)
      if (node.author !== except) ids.push(node.id);
    return ids;
  }

  private unlink(node: Node): void {
    if (node.older !== undefined) node.older.newer = node.newer;
    if (node.newer !== undefined) node.newer.older = node.older;
    else this.newest = node.older;
  }
}
