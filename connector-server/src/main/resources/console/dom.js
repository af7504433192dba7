// The console's two DOM helpers. Text always goes in as text (textContent), never as HTML.

export const $ = (id) => document.getElementById(id);

/**
 * An element with attributes and children: `text` sets its text, `className` its class; `false`, `null` and
 * `undefined` leave an attribute out and `true` sets it empty (`disabled: !writable`).
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else if (name === 'className') node.className = value;
    else if (value === false || value === undefined || value === null) continue;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) node.append(child);
  return node;
}
