/** Inline Markdown shared by the renderings of a report (cli/diff/render.ts, render-zones.ts). */

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  if (!text.includes("`")) return `\`${text}\``;
  return `\`\` ${text} \`\``;
}
