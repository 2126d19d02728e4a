/** Creating SVG elements without a chart library, for small inline marks drawn many times. */

export const SVG_NS = "http://www.w3.org/2000/svg";

/** A new `<tag>` in the SVG namespace with `attributes`, appended to `parent` when given. */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  parent?.append(node);
  return node;
}
