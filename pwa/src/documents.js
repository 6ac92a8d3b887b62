// STAND-IN: replaced by doc-data at merge
// The two exports doc-data's module gives (the documents' wording declared once, two
// renderers): only enough here for the offline flow (offline-docs.js) and its tests to run.
// Nothing may depend on this wording: only on the title, the number, the act code and the
// party's name, which the server's PDF carries too.

const TITLES = {
  correction_order: '责令改正通知书',
};

/** A document model from `data` (server/documents/__init__.py's dict, as JSON). */
export function compose(kind, data, spec = {}) {
  const title = (spec[kind] && spec[kind].title) || TITLES[kind] || kind;
  const party = data.party || {};
  const lines = [
    `${party.name || ''}：`,
    data.facts ? `经查，${data.facts}。` : null,
    data.legal_basis ? `依据：${data.legal_basis}` : null,
    data.correction ? `责令你于${data.deadline}前改正：${data.correction}` : null,
    (data.officers || []).map((o) => `${o.name}（${o.certificate_no}）`).join('、') || null,
    data.party_refusal ? `当事人拒绝签名：${data.party_refusal.reason || ''}` : null,
    data.issued_on ? `${data.agency} ${data.issued_on}` : null,
  ].filter(Boolean);
  return {
    kind,
    title,
    agency: data.agency,
    doc_number: data.doc_number,
    act_code: data.act_code,
    generated: data.generated_at,
    blocks: lines.map((text) => ({ type: 'p', text })),
  };
}

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The model as one self-contained HTML page to print on `paper` ('A4' | '80mm'). */
export function documentHtml(model, { paper = 'A4' } = {}) {
  const width = paper === '80mm' ? '72mm' : '180mm';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(model.title)}</title>
<style>@page{size:${paper === '80mm' ? '80mm auto' : 'A4'};margin:4mm}body{font-family:sans-serif;max-width:${width};margin:0 auto;font-size:${paper === '80mm' ? '12px' : '15px'}}h1{text-align:center;font-size:1.4em}.agency{text-align:center}.no{text-align:right}.code{font-family:monospace}</style>
</head><body data-paper="${esc(paper)}"><p class="agency">${esc(model.agency)}</p><h1>${esc(model.title)}</h1>
<p class="no" data-doc-number>${esc(model.doc_number)}</p><p class="code" data-act-code>${esc(model.act_code)}</p>
${model.blocks.map((b) => `<p>${esc(b.text)}</p>`).join('\n')}
<p class="code">${esc(model.generated)}</p></body></html>`;
}
