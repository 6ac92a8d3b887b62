// Enforcement documents (执法文书) on the phone, offline: the same model the server prints from,
// composed from the same declarations, laid out as a printable HTML page.
//
// The wording lives in one place, the server's declarations (sync/documents/declarations.py),
// which reach the phone in the workflow export (`workflow.documents`, cached for offline use
// with the rest of the workflow). `compose` is a copy of sync/documents/__init__.py's small
// interpreter and its formatters (sync/documents/formats.py), held to it by the vectors
// (tests/vectors/make_vectors.py → pwa/test/documents.test.js): same data, same model.
//
// Data on the phone is JSON: times are ISO 8601 strings (an instant with an offset, `…Z` or
// `…+08:00`, prints in China time whatever the phone's zone; a time without one prints as
// written); money is integer fen; signature PNGs are data URLs (`data:image/png;base64,…`) or
// bare base64, which the model carries as data URLs. Nothing here reads the clock.
import qrcode from 'qrcode-generator';

const PNG_URL = 'data:image/png;base64,';
const PLACEHOLDER = /\{([^{}]+)\}/g;
const CHINA_MS = 8 * 3600 * 1000;

// -- formatters (sync/documents/formats.py) -------------------------------------------------

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** An ISO 8601 string as {date, y, m, d, h, mi} in China time (an instant with an offset moved
 *  to UTC+8; one without kept as written); a date alone has `date: true`. */
function when(value) {
  const text = String(value ?? '').trim();
  const m = ISO.exec(text);
  if (!m || (text.length === 10) !== (m[4] === undefined)) throw new RangeError(`not a time: ${value}`);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] || 0));
  if (m[4] === undefined) return { date: true, y, m: mo, d };
  if (!m[7]) return { date: false, y, m: mo, d, h, mi };
  let offset = 0;
  if (m[7] !== 'Z') {
    const sign = m[7][0] === '-' ? -1 : 1;
    const digits = m[7].slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
  }
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60000 + CHINA_MS);
  return {
    date: false,
    y: t.getUTCFullYear(),
    m: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    mi: t.getUTCMinutes(),
  };
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
const dateText = (t) => `${t.y}年${t.m}月${t.d}日`;
const timeText = (t) => (t.date ? dateText(t) : `${dateText(t)}${t.h}时${pad(t.mi)}分`);

function spanText([start, end]) {
  const a = when(start);
  const b = when(end);
  const sameDay = !a.date && !b.date && a.y === b.y && a.m === b.m && a.d === b.d;
  return `${timeText(a)}至${sameDay ? `${b.h}时${pad(b.mi)}分` : timeText(b)}`;
}

function stampText(value) {
  const t = when(value);
  const day = `${pad(t.y, 4)}-${pad(t.m)}-${pad(t.d)}`;
  return t.date ? day : `${day} ${pad(t.h)}:${pad(t.mi)}`;
}

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const PLACES = [
  [1000, '仟'],
  [100, '佰'],
  [10, '拾'],
  [1, ''],
];
const GROUPS = ['', '万', '亿', '万亿'];

function checkFen(fen) {
  if (typeof fen !== 'number' || !Number.isInteger(fen)) throw new TypeError('an amount is integer fen');
  if (fen < 0) throw new RangeError('an amount cannot be negative');
  if (fen >= 1e18) throw new RangeError('the amount is too large to write in capitals');
  return fen;
}

function yuan(fen) {
  checkFen(fen);
  return `${Math.floor(fen / 100)}.${pad(fen % 100)}`;
}

function integerCapitals(n) {
  const groups = [];
  while (n) {
    groups.push(n % 10000);
    n = Math.floor(n / 10000);
  }
  const out = [];
  let zero = false;
  for (let index = groups.length - 1; index >= 0; index--) {
    const group = groups[index];
    if (group === 0) {
      zero = out.length > 0;
      continue;
    }
    for (const [place, unit] of PLACES) {
      const digit = Math.floor(group / place) % 10;
      if (digit === 0) zero = zero || out.length > 0;
      else {
        if (zero) {
          out.push('零');
          zero = false;
        }
        out.push(DIGITS[digit] + unit);
      }
    }
    out.push(GROUPS[index]);
    zero = false;
  }
  return out.join('');
}

function yuanInCapitals(fen) {
  checkFen(fen);
  const whole = Math.floor(fen / 100);
  const rest = fen % 100;
  const jiao = Math.floor(rest / 10);
  const fenDigit = rest % 10;
  if (whole === 0 && rest === 0) return '零元整';
  let text = whole ? `${integerCapitals(whole)}元` : '';
  if (!rest) return `${text}整`;
  if (whole && (whole % 10 === 0 || jiao === 0)) text += '零';
  if (jiao) text += `${DIGITS[jiao]}角`;
  if (fenDigit) text += `${DIGITS[fenDigit]}分`;
  return text;
}

const amount = (fen) => `人民币${yuan(fen)}元（大写：${yuanInCapitals(fen)}）`;

/** A value as a document prints it: text and numbers only. */
function text(value) {
  if (value == null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new TypeError(`a document does not print a ${typeof value}`);
}

const clause = (value) =>
  text(value)
    .trim()
    .replace(/[。；;，,.、 ]+$/u, '');
const days = (n) => {
  n = Number(n);
  return `${n >= 1 && n <= 10 ? '一二三四五六七八九十'[n - 1] : String(n)}日`;
};
const isMapping = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

export const FORMATTERS = {
  date: (v) => dateText(when(v)),
  time: (v) => timeText(when(v)),
  span: spanText,
  stamp: stampText,
  clause,
  yuan,
  capitals: yuanInCapitals,
  amount,
  days,
  label: (item) => (isMapping(item) ? text(item.label ?? '') : text(item)),
  count: (items) => String(Array.isArray(items) ? items.length : 0),
};

/** Python's truth: an empty list or mapping is false too. */
function truthy(value) {
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** A signature as the model carries it: a data URL. */
function pngUrl(value) {
  if (!value) return null;
  const s = String(value);
  return s.startsWith('data:') ? s : PNG_URL + s;
}

// Where Python's str.splitlines breaks a line (its file, group and record separators too).
// eslint-disable-next-line no-control-regex
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

// -- the composer (sync/documents/__init__.py) ----------------------------------------------

class Composer {
  constructor(spec, data) {
    this.spec = spec;
    this.data = data;
    this.headings = 0;
  }

  value(path, scope) {
    const [first, ...rest] = path.trim().split('.');
    let node;
    if (first.startsWith('$')) {
      const name = first.slice(1);
      if (Object.hasOwn(scope, name)) node = scope[name];
      else if (Object.hasOwn(this.spec.vars, name)) node = this.text(this.spec.vars[name], scope);
      else node = null;
    } else node = isMapping(this.data) ? this.data[first] : null;
    for (const key of rest) node = isMapping(node) ? node[key] : null;
    return node === undefined ? null : node;
  }

  fill(template, scope) {
    return template.replace(PLACEHOLDER, (_, inner) => {
      const [paths, ...formatters] = inner.split('|');
      const values = paths.split(',').map((p) => this.value(p, scope));
      let value = values.length === 1 ? values[0] : values;
      for (const name of formatters) {
        if (name.startsWith('or:')) {
          const literal = name.slice(3);
          if (!truthy(value)) value = /^\d+$/.test(literal) ? Number(literal) : literal;
        } else if (value !== null && !(Array.isArray(value) && value.includes(null))) {
          value = FORMATTERS[name](value);
        }
      }
      return Array.isArray(value) ? '' : text(value);
    });
  }

  text(decl, scope) {
    if (typeof decl === 'string') return this.fill(decl, scope);
    if (Array.isArray(decl)) return decl.map((d) => this.text(d, scope)).join('');
    if ('list' in decl) return this.items(decl.list, scope).join(decl.join ?? '');
    if (this.holds(decl.when, scope)) return this.text(decl.text, scope);
    return this.text(decl.else ?? '', scope);
  }

  holds(cond, scope) {
    if (Array.isArray(cond)) return cond.every((c) => this.holds(c, scope));
    if (cond.startsWith('!')) return !this.holds(cond.slice(1), scope);
    const eq = cond.indexOf('=');
    if (eq >= 0) {
      const value = this.value(cond.slice(0, eq), scope);
      return value !== null && text(value) === cond.slice(eq + 1);
    }
    return truthy(this.value(cond, scope));
  }

  /** Each declaration with its scope: guarded by `when`, repeated by `each`, parts spliced. */
  *each(decls, scope) {
    for (const decl of decls) {
      if ('part' in decl) {
        const part = this.spec.parts[decl.part];
        const given = {};
        for (const [k, v] of Object.entries(decl.with || {})) given[k] = this.text(v, scope);
        yield* this.each(part.body, { ...scope, ...(part.defaults || {}), ...given });
      } else if ('each' in decl) {
        const items = this.value(decl.each, scope);
        let i = 0;
        for (const item of Array.isArray(items) ? items : []) {
          const inner = { ...scope, [decl.as]: item, i: ++i };
          if (!('when' in decl) || this.holds(decl.when, inner)) yield [decl, inner];
        }
      } else if ('when' in decl && !('then' in decl) && !this.holds(decl.when, scope)) {
        continue;
      } else yield [decl, scope];
    }
  }

  items(name, scope) {
    const decl = typeof name === 'string' ? this.spec.lists[name] : name;
    const found = [...this.each(decl.items, scope)].map(([d, s]) => this.text(d.text, s));
    if (!found.length) return [];
    let forms;
    if (found.length === 1 && 'one' in decl) forms = [decl.one];
    else {
      const each = decl.each ?? '{$x}';
      const last = decl.last ?? each;
      forms = [...Array(found.length - 1).fill(each), last];
    }
    return forms.map((form, i) => this.fill(form, { ...scope, x: found[i], k: i + 1 }));
  }

  blocks(decls, scope) {
    const out = [];
    const para = (value, style) => {
      value = value.trim();
      if (value) out.push({ type: 'para', style, text: value });
    };
    for (const [decl, inner] of this.each(decls, scope)) {
      if ('then' in decl) {
        out.push(...this.blocks(this.holds(decl.when, inner) ? decl.then : decl.else || [], inner));
      } else if ('para' in decl) para(this.text(decl.para, inner), decl.style ?? 'body');
      else if ('paras' in decl) {
        for (const line of this.text(decl.paras, inner).split(LINE_BREAK)) para(line, decl.style ?? 'indent');
      } else if ('heading' in decl) {
        let heading = this.text(decl.heading, inner);
        if (decl.numbered) heading = `${this.spec.words.numerals[this.headings++]}、${heading}`;
        para(heading, 'heading');
      } else if ('list' in decl) {
        for (const line of this.items(decl.list, inner)) para(line, decl.style ?? 'indent');
      } else if ('gap' in decl) out.push({ type: 'gap', lines: decl.gap });
      else if ('form' in decl) {
        const rows = [...this.each(decl.form, inner)].map(([d, s]) => [this.text(d.label, s).trim(), this.text(d.value, s).trim()]);
        out.push({ type: 'form', rows });
      } else if ('table' in decl) {
        const t = decl.table;
        const rows = [...this.each(t.rows, inner)].map(([d, s]) => d.cells.map((c) => this.text(c, s).trim()));
        out.push({ type: 'table', header: [...t.header], rows, widths: [...t.widths], mono: [...(t.mono || [])] });
      } else if ('signatures' in decl) {
        const signers = [...this.each(decl.signatures, inner)].map(([d, s]) => {
          const signer = { role: this.text(d.role, s).trim(), name: this.text(d.name, s).trim() };
          if ('note' in d) signer.note = this.text(d.note, s).trim();
          const image = 'image' in d ? pngUrl(this.value(d.image, s)) : null;
          if (image) signer.image = image;
          if ('digital' in d && truthy(this.value(d.digital, s))) signer.digital = true;
          return signer;
        });
        out.push({ type: 'signatures', signers });
      } else if ('close' in decl) {
        out.push({
          type: 'close',
          agency: text(this.data.agency).trim(),
          date: this.text(decl.close, inner).trim(),
          seal: this.spec.words.seal,
        });
      } else throw new Error(`unknown block ${Object.keys(decl).sort()}`);
    }
    return out;
  }
}

/**
 * The model of document `kind` made from `data` (plain JSON, see the top of this file), as
 * sync.documents.compose makes it on the server. `spec` is the declarations the phone holds:
 * the cached workflow's `documents` (`workflow.documents`, as GET /api/v1/workflow exports
 * it). `redacted` marks a public copy whose data is already redacted (the phone makes none).
 * Throws on data the declarations cannot print (a time that is not ISO 8601, money not fen).
 */
export function compose(kind, data, spec, { redacted = false } = {}) {
  const declared = spec.kinds[kind];
  if (!declared) throw new RangeError(`unknown document kind ${kind}`);
  const words = spec.words;
  const code = text(data.act_code).trim();
  const number = text(data.doc_number).trim();
  const generated = stampText(data.generated_at);
  const lines = {
    act_code: words.act_code.replace('{code}', code),
    act_code_short: words.act_code_short.replace('{code}', code),
    generated: words.generated.replace('{time}', generated),
    seal: words.seal,
    page: words.page.replace('{number}', number),
  };
  if (redacted) {
    lines.public = words.public;
    lines.public_signature = words.public_signature;
  }
  return {
    kind,
    title: declared.title,
    agency: text(data.agency).trim(),
    doc_number: number,
    act_code: code,
    generated,
    sealed: declared.sealed,
    redacted,
    lines,
    blocks: new Composer(spec, data).blocks(declared.blocks, {}),
  };
}

/** A text the records make for a document's data (the declarations' `phrases`: how a penalty
 *  is carried out, the party's statements…) from plain `values`, as sync.documents.phrase. */
export function phrase(name, values, spec) {
  return new Composer(spec, values).text(spec.phrases[name], {});
}

/** The items of a list the records make (`court_attachments`), as sync.documents.phrase_items. */
export function phraseItems(name, values, spec) {
  return new Composer(spec, values).items(spec.phrases[name], {});
}

// -- the HTML page -------------------------------------------------------------------------

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const lines = (s) => escapeHtml(s).replace(/\n/g, '<br>');

/** The act code as an inline SVG QR code (error correction M, four modules of quiet zone). */
function qrSvg(value) {
  const qr = qrcode(0, 'M');
  qr.addData(value);
  qr.make();
  const n = qr.getModuleCount();
  let d = '';
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) if (qr.isDark(y, x)) d += `M${x + 4} ${y + 4}h1v1h-1z`;
  return (
    `<svg class="qr" viewBox="0 0 ${n + 8} ${n + 8}" role="img" aria-label="${escapeHtml(value)}" ` +
    `shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="${d}" fill="#000"/></svg>`
  );
}

// The paper: A4 (margins inside a portable printer's edge) or an 80 mm roll printing 72 mm.
const PAPERS = {
  A4: { page: 'size: A4; margin: 18mm 20mm 20mm 25mm;', body: 11, qr: 24, seal: 42, columns: 2 },
  '80mm': { page: 'size: 80mm 297mm; margin: 5mm 4mm 8mm 4mm;', body: 8.5, qr: 18, seal: 30, columns: 1 },
};

function css(paper) {
  const p = PAPERS[paper];
  const s = p.body;
  return `@page { ${p.page} }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; background: #fff; font-size: ${s}pt; line-height: 1.6;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif;
  overflow-wrap: anywhere; line-break: strict; }
@media screen { body { max-width: ${paper === 'A4' ? '165mm' : '72mm'}; margin: 0 auto; padding: 4mm; } }
header { display: flex; align-items: flex-start; gap: 2mm; margin-bottom: ${s}pt; break-inside: avoid; }
header .titles { flex: 1; text-align: ${paper === 'A4' ? 'center' : 'left'}; }
${
  paper === 'A4'
    ? `header::before { content: ""; width: ${p.qr}mm; flex: none; }
@media screen and (max-width: 600px) { header::before { display: none; } header .titles { text-align: left; } }`
    : ''
}
header .qr { width: ${p.qr}mm; height: ${p.qr}mm; flex: none; }
.agency { font-size: ${(s * 1.45).toFixed(2)}pt; line-height: 1.4; }
.title { margin: 0; font-size: ${(s * 1.9).toFixed(2)}pt; line-height: 1.3; font-weight: bold; }
.code { font-size: ${(s * 0.8).toFixed(2)}pt; }
p { margin: 0; }
p.indent { text-indent: 2em; }
p.heading { font-size: ${(s * 1.05).toFixed(2)}pt; font-weight: bold; margin: ${(s * 0.6).toFixed(2)}pt 0 ${(s * 0.2).toFixed(2)}pt; break-after: avoid; }
p.note { font-size: ${(s * 0.8).toFixed(2)}pt; color: #555; }
.gap { height: ${(s * 1.6).toFixed(2)}pt; }
table { width: 100%; border-collapse: collapse; font-size: ${(s * 0.9).toFixed(2)}pt; line-height: 1.35; table-layout: fixed; }
td, th { border: 0.5pt solid #8c8c8c; padding: 1pt 3pt; vertical-align: top; text-align: left; font-weight: normal; }
th, td.label { color: #595959; }
th { background: #eee; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.mono { font-family: "DejaVu Sans Mono", monospace; font-size: ${(s * 0.68).toFixed(2)}pt; overflow-wrap: anywhere; }
.signatures { display: grid; grid-template-columns: repeat(${p.columns}, 1fr); border: 0.5pt solid #8c8c8c; margin-top: ${(s * 0.4).toFixed(2)}pt; break-inside: avoid; }
.signer { border: 0.5pt solid #8c8c8c; padding: 2pt 3pt; min-height: ${paper === 'A4' ? 22 : 17}mm; font-size: ${(s * 0.9).toFixed(2)}pt; }
.signer img { display: block; max-width: 100%; max-height: ${paper === 'A4' ? 16 : 12}mm; }
.close { text-align: right; padding-top: ${s}pt; break-inside: avoid; }
.seal { display: inline-flex; width: ${p.seal}mm; height: ${p.seal}mm; align-items: center; justify-content: center; }
.keep { break-inside: avoid; }
footer { margin-top: ${s}pt; text-align: center; font-size: ${(s * 0.72).toFixed(2)}pt; color: #595959; }
${paper === '80mm' ? 'p, table, .signatures, .close, header { break-inside: avoid; }' : ''}
`;
}

/** Sizes a block sets (a gap's height, a column's width) as classes of the page's one
 * <style>: the app's Content-Security-Policy (`style-src 'self'`) refuses style attributes,
 * and the page is shown inside the app. */
class Sized {
  constructor() {
    this.rules = new Map();
  }
  cls(prop, value) {
    const rule = `${prop}:${value}`;
    if (!this.rules.has(rule)) this.rules.set(rule, `s${this.rules.size}`);
    return this.rules.get(rule);
  }
  css() {
    return [...this.rules].map(([rule, name]) => `.${name} { ${rule}; }`).join('\n');
  }
}

function blockHtml(block, model, paper, sized) {
  const label = paper === 'A4' ? 25 : 30; // the form's label column, as on the server's PDF
  switch (block.type) {
    case 'para':
      return `<p class="${block.style}">${lines(block.text)}</p>`;
    case 'gap':
      return `<div class="gap ${sized.cls('height', `${block.lines * 1.6}em`)}"></div>`;
    case 'form':
      return (
        `<table class="form"><colgroup><col class="${sized.cls('width', `${label}%`)}"><col></colgroup><tbody>` +
        block.rows.map(([k, v]) => `<tr><td class="label">${lines(k)}</td><td>${lines(v)}</td></tr>`).join('') +
        '</tbody></table>'
      );
    case 'table': {
      const cols = block.widths.map((w) => `<col class="${sized.cls('width', `${(w * 100).toFixed(2)}%`)}">`).join('');
      const head = block.header.map((h) => `<th>${lines(h)}</th>`).join('');
      const body = block.rows
        .map((row) => `<tr>${row.map((v, i) => `<td${block.mono.includes(i) ? ' class="mono"' : ''}>${lines(v)}</td>`).join('')}</tr>`)
        .join('');
      return `<table><colgroup>${cols}</colgroup><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    }
    case 'signatures':
      return (
        '<div class="signatures">' +
        block.signers
          .map((s) => {
            let cell = `<p>${lines(`${s.role}：${s.name}`)}</p>`;
            if (s.note) cell += `<p class="note">${lines(s.note)}</p>`;
            if (model.redacted) cell += `<p class="note">${lines(model.lines.public_signature)}</p>`;
            else if (s.image) cell += `<img alt="${escapeHtml(s.role)}" src="${escapeHtml(s.image)}">`;
            return `<div class="signer">${cell}</div>`;
          })
          .join('') +
        '</div>'
      );
    case 'close':
      return (
        `<div class="close"><p>${lines(block.agency)}</p>` + `<div class="seal">${lines(block.seal)}</div><p>${lines(block.date)}</p></div>`
      );
    default:
      throw new Error(`unknown block type ${block.type}`);
  }
}

/**
 * A complete, self-contained HTML page of `model` (from `compose`) to show or print
 * (`paper` 'A4' or '80mm': an 80 mm roll prints 72 mm wide and breaks no block across pages).
 * The browser paginates; the act code is printed as text and as a QR code; the seal's place
 * reads 「（印章）」 (an offline copy is not sealed); signatures are drawn from their data URLs.
 */
export function documentHtml(model, { paper = 'A4' } = {}) {
  if (!PAPERS[paper]) throw new RangeError(`unknown paper ${paper}`);
  const body = [];
  const sized = new Sized();
  for (const block of model.blocks) {
    const html = blockHtml(block, model, paper, sized);
    // The closing stays on one page with the text before it (a page with a seal and no text
    // could be stapled to any other document).
    if (block.type === 'close' && body.length) body.push(`<div class="keep">${body.pop()}${html}</div>`);
    else body.push(html);
  }
  const titles = [
    `<div class="agency">${lines(model.agency)}</div>`,
    `<h1 class="title">${lines(model.title)}</h1>`,
    `<div class="number" data-doc-number>${lines(model.doc_number)}</div>`,
    `<div class="code" data-act-code="${escapeHtml(model.act_code)}">${lines(model.lines.act_code)}</div>`,
    model.lines.public ? `<div class="code">${lines(model.lines.public)}</div>` : '',
  ].join('');
  return (
    '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${lines(`${model.title} ${model.doc_number}`)}</title><style>${css(paper)}\n${sized.css()}</style></head>` +
    `<body class="paper-${paper}"><header><div class="titles">${titles}</div>${qrSvg(model.act_code)}</header>` +
    `<main>${body.join('\n')}</main>` +
    `<footer><div>${lines(model.doc_number)}</div><div>${lines(model.lines.generated)}</div></footer></body></html>\n`
  );
}
