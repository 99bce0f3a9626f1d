import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';

/** A JSON pointer segment as written in ajv's `instancePath` (`~1` is `/`, `~0` is `~`). */
export function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The YAML node at a path of keys and indexes, or the deepest one that exists on the way (where a
 * missing key would go); with `wantKey`, the last key itself rather than its value.
 */
export function nodeAt(root: YamlNode | null, path: string[], wantKey = false): YamlNode | undefined {
  let node: YamlNode | null | undefined = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) return node;
      if (wantKey && i === path.length - 1) return pair.key as YamlNode;
      node = pair.value as YamlNode;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)] as YamlNode;
    } else {
      return node ?? undefined;
    }
  }
  return node ?? undefined;
}
