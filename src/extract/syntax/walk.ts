import { ts } from 'ts-morph';

/**
 * Visits `root` and its descendants in source order without recursion, so deeply nested code (a
 * 5,000-operand concatenation) cannot overflow the stack. `visit` returns false to skip children.
 */
export function forEachDescendant(root: ts.Node, visit: (node: ts.Node) => unknown): void {
  const stack: ts.Node[] = [root];
  const children: ts.Node[] = [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    children.length = 0;
    ts.forEachChild(node, (child) => {
      children.push(child);
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
}
