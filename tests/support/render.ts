import { createElement, isValidElement, type ReactElement, type ReactNode } from "react";

/**
 * Async server components awaited into a plain element tree, so react-dom/server can render a page the way Next.js
 * renders a first load (its RSC renderer runs async components; Fizz only renders client and plain ones).
 */
export async function resolveServerTree(node: ReactNode): Promise<ReactNode> {
  if (Array.isArray(node)) return Promise.all(node.map(resolveServerTree));
  if (node instanceof Promise) return resolveServerTree(await node);
  if (!isValidElement(node)) return node;
  const element = node as ReactElement<Record<string, unknown>>;
  if (typeof element.type === "function" && element.type.constructor.name === "AsyncFunction") {
    return resolveServerTree(await (element.type as (props: unknown) => Promise<ReactNode>)(element.props));
  }
  const props = { ...element.props };
  if ("children" in props) props.children = await resolveServerTree(props.children as ReactNode);
  return createElement(element.type, { ...props, key: element.key });
}
