// Parse a Mermaid diagram with the real mermaid package (the engine GitHub renders with) and
// print what it understood as JSON. Usage: node parse.mjs MODULES_DIR DIAGRAM_FILE, where
// MODULES_DIR holds node_modules/ with `npm install mermaid@11 jsdom`.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, diagramFile] = process.argv.slice(2);
const require = createRequire(join(modules, "package.json"));
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ["Element", "HTMLElement", "SVGElement", "Node", "DOMParser"]) {
  if (!(name in globalThis)) globalThis[name] = dom.window[name];
}
const entry = join(modules, "node_modules", "mermaid", "dist", "mermaid.core.mjs");
const { default: mermaid } = await import(pathToFileURL(entry).href);
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
const text = readFileSync(diagramFile, "utf8");
try {
  const parsed = await mermaid.parse(text);
  const { db } = await mermaid.mermaidAPI.getDiagramFromText(text);
  const vertices = db.getVertices();
  const nodes = [...(vertices instanceof Map ? vertices.values() : Object.values(vertices))];
  console.log(JSON.stringify({
    ok: true,
    type: parsed.diagramType,
    nodes: nodes.map((v) => ({ id: v.id, text: v.text, classes: v.classes })),
    edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: e.text,
                                       type: e.type, stroke: e.stroke, style: e.style })),
    subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: s.title, nodes: s.nodes })),
  }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, error: String(error.message || error) }));
  process.exitCode = 1;
}
