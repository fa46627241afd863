import { escapeHtml } from '../../notices/notice-text.ts';
import type { OpenApiDocument, OperationObject } from './build-openapi.ts';
import { DOCS_PAGE_CSS } from './docs-page-style.ts';
import type { JsonSchema, ParameterObject } from './json-schema.ts';

/**
 * The readable API page (/api/docs), rendered on the server from the OpenAPI document itself, so
 * the page and /api/openapi.json cannot disagree. Plain HTML and an inline stylesheet: no script,
 * nothing fetched from elsewhere, readable with JavaScript off. Every piece of text is escaped.
 */

const METHODS = ['get', 'post', 'patch', 'delete'] as const;
// Schema keywords worth a word in a parameter's one-line summary; the full schema is one click away.
const SUMMARY_KEYWORDS = ['format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const;

const h = (text: unknown) => escapeHtml(String(text));

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  op: OperationObject;
}

function operationsByTag(doc: OpenApiDocument): Map<string, Operation[]> {
  const byTag = new Map<string, Operation[]>(doc.tags.map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  return byTag;
}

/** A schema in a few words: `integer, minimum 1, default 50`, `"csv" | "json"`, `string or array of string`. */
export function summariseSchema(schema: JsonSchema): string {
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return alternatives.map(summariseSchema).join(' or ');
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : typeof schema.type === 'string' ? schema.type : 'any';
  const parts = [type === 'array' && schema.items ? `array of ${summariseSchema(schema.items as JsonSchema)}` : type];
  for (const keyword of SUMMARY_KEYWORDS) if (schema[keyword] !== undefined) parts.push(`${keyword} ${schema[keyword]}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

function whoMayCall(op: OperationObject): string {
  if (op['x-copyhound-access'] === 'public') return 'Anyone: no sign-in needed';
  if (op['x-copyhound-access'] === 'signed-in') return 'Any signed-in user or API key';
  const roles = Object.entries(op['x-copyhound-roles']).map(([role, access]) => (access === 'own' ? `${role} (own organisation's objects only)` : role));
  return roles.join(', ');
}

function renderJson(value: unknown): string {
  return `<pre><code>${h(JSON.stringify(value, null, 2))}</code></pre>`;
}

function renderParameters(parameters: ParameterObject[]): string {
  const rows = parameters.map(
    (p) =>
      `<tr><td><code>${h(p.name)}</code></td><td>${h(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${h(summariseSchema(p.schema))}${p.description ? `<br>${h(p.description)}` : ''}` +
      `<details><summary>Schema</summary>${renderJson(p.schema)}</details></td></tr>`,
  );
  return `<h4>Parameters</h4><table><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Required</th><th scope="col">Schema</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderBody(body: NonNullable<OperationObject['requestBody']>): string {
  return Object.entries(body.content)
    .map(([mediaType, { schema }]) => `<h4>Request body <small>(${h(mediaType)}, ${body.required ? 'required' : 'may be left out'})</small></h4>${renderJson(schema)}`)
    .join('');
}

function renderResponses(responses: OperationObject['responses']): string {
  const rows = Object.entries(responses).map(([status, r]) => {
    const content = Object.entries(r.content ?? {}).map(([mediaType, media]) => {
      const ref = (media.schema as { $ref?: string } | undefined)?.$ref;
      const schema = ref ? ` <a href="#errors">${h(ref.split('/').pop())}</a>` : media.schema ? `<details><summary>Schema</summary>${renderJson(media.schema)}</details>` : '';
      return `<code>${h(mediaType)}</code>${schema}`;
    });
    return `<tr><td>${h(status)}</td><td>${h(r.description)}</td><td>${content.join('<br>') || '(no body)'}</td></tr>`;
  });
  return `<h4>Responses</h4><table><thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Body</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderOperation({ method, path, op }: Operation): string {
  return [
    `<article class="op" id="${h(op.operationId)}" aria-labelledby="${h(op.operationId)}-title">`,
    `<h3 id="${h(op.operationId)}-title"><span class="method method-${h(method)}">${h(method.toUpperCase())}</span> <code>${h(path)}</code></h3>`,
    `<p><strong>${h(op.summary)}</strong></p>`,
    op.description ? `<p>${h(op.description)}</p>` : '',
    `<p class="roles"><strong>Who may call it:</strong> ${h(whoMayCall(op))}</p>`,
    op.parameters?.length ? renderParameters(op.parameters) : '',
    op.requestBody ? renderBody(op.requestBody) : '',
    renderResponses(op.responses),
    '</article>',
  ].join('\n');
}

function renderAuthentication(doc: OpenApiDocument): string {
  const items = Object.entries(doc.components.securitySchemes).map(([name, scheme]) => `<dt><code>${h(name)}</code></dt><dd>${h(scheme.description ?? '')}</dd>`);
  return `<section id="authentication" aria-labelledby="authentication-title"><h2 id="authentication-title">Authentication</h2><dl>${items.join('')}</dl></section>`;
}

function renderErrors(doc: OpenApiDocument): string {
  return `<section id="errors" aria-labelledby="errors-title"><h2 id="errors-title">Errors</h2><p>Every refusal answers this JSON body; <code>code</code> names the reason.</p>${renderJson(doc.components.schemas.Error)}</section>`;
}

/** The whole page. */
export function renderDocsPage(doc: OpenApiDocument, specUrl: string): string {
  const byTag = operationsByTag(doc);
  const nav = [...byTag]
    .map(([tag, ops]) => `<li><a href="#tag-${h(slug(tag))}">${h(tag)}</a><ul>${ops.map(({ method, path, op }) => `<li><a href="#${h(op.operationId)}">${h(method.toUpperCase())} <code>${h(path)}</code></a></li>`).join('')}</ul></li>`)
    .join('');
  const sections = [...byTag]
    .map(([tag, ops]) => `<section id="tag-${h(slug(tag))}" aria-labelledby="tag-${h(slug(tag))}-title"><h2 id="tag-${h(slug(tag))}-title">${h(tag)}</h2>${ops.map(renderOperation).join('\n')}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(doc.info.title)} API ${h(doc.info.version)}</title>
<style>${DOCS_PAGE_CSS}</style>
</head>
<body>
<div class="layout">
<header><h1>${h(doc.info.title)} API <small>${h(doc.info.version)}</small></h1><p>${h(doc.info.description)}</p>
<p>The machine-readable description: <a href="${h(specUrl)}">${h(specUrl)}</a> (OpenAPI ${h(doc.openapi)}).</p></header>
<nav aria-label="Operations"><ul><li><a href="#authentication">Authentication</a></li><li><a href="#errors">Errors</a></li>${nav}</ul></nav>
<main>
${renderAuthentication(doc)}
${renderErrors(doc)}
${sections}
</main>
</div>
</body>
</html>
`;
}
