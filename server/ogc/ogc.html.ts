/** Minimal HTML representations (the OGC html conformance class): readable pages with the same links. */
import type { Link } from './ogc.service.ts';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:1.5rem;max-width:70rem;color:#1a1a1a}a{color:#0b57d0}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function linkList(links: Link[]): string {
  return `<ul>${links.map((l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title ?? l.href)}</a> <small>(${escapeHtml(l.rel)}${l.type ? `, ${escapeHtml(l.type)}` : ''})</small></li>`).join('')}</ul>`;
}

function valueCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return escapeHtml(typeof value === 'object' ? JSON.stringify(value) : value);
}

export function landingHtml(doc: { title: string; description: string; links: Link[] }): string {
  return page(doc.title, `<p>${escapeHtml(doc.description)}</p>${linkList(doc.links)}`);
}

export function jsonHtml(title: string, doc: unknown): string {
  return page(title, `<pre>${escapeHtml(JSON.stringify(doc, null, 2))}</pre>`);
}

export function collectionsHtml(doc: { collections: Array<{ id: string; title: string; description: string; links: Link[] }> }): string {
  const rows = doc.collections
    .map((c) => `<tr><td><a href="${escapeHtml(c.links[0].href)}?f=html">${escapeHtml(c.id)}</a></td><td>${escapeHtml(c.title)}</td><td>${escapeHtml(c.description)}</td></tr>`)
    .join('');
  return page('Collections', `<table><tr><th>id</th><th>Title</th><th>Description</th></tr>${rows}</table>`);
}

export function collectionHtml(doc: { id: string; title: string; description: string; links: Link[]; license?: string; attribution?: string }): string {
  return page(doc.title, `<p>${escapeHtml(doc.description)}</p><p>${escapeHtml(doc.attribution)} — ${escapeHtml(doc.license)}</p>${linkList(doc.links)}`);
}

interface FeatureLike {
  id?: unknown;
  properties?: Record<string, unknown> | null;
}

export function itemsHtml(title: string, features: FeatureLike[], links: Link[], numberMatched: number | null): string {
  const keys = [...new Set(features.flatMap((f) => Object.keys(f.properties ?? {})))];
  const head = `<tr><th>id</th>${keys.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}</tr>`;
  const self = links.find((l) => l.rel === 'collection')?.href ?? '';
  const rows = features
    .map((f) => `<tr><td><a href="${escapeHtml(`${self}/items/${encodeURIComponent(String(f.id))}?f=html`)}">${escapeHtml(f.id)}</a></td>${keys.map((k) => `<td>${valueCell(f.properties?.[k])}</td>`).join('')}</tr>`)
    .join('');
  const summary = `<p>${features.length} feature(s)${numberMatched === null ? '' : ` of ${numberMatched}`}</p>`;
  return page(title, `${summary}${linkList(links.filter((l) => l.rel !== 'alternate'))}<table>${head}${rows}</table>`);
}

export function itemHtml(title: string, feature: FeatureLike & { links?: Link[] }): string {
  const rows = Object.entries(feature.properties ?? {})
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${valueCell(v)}</td></tr>`)
    .join('');
  return page(`${title}: ${String(feature.id)}`, `${linkList(feature.links ?? [])}<table>${rows}</table>`);
}
