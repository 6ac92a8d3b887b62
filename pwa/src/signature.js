// The party's signature drawn with a finger on the officer's phone (当事人签名): a white
// canvas, black strokes, handed over as a PNG blob when a stroke ends. The inspection record
// and the consent to electronic service (eservice.js) both take it this way.
import { useEffect, useRef } from 'preact/hooks';
import { t } from './i18n.js';
import { html } from './ui.js';

/** `initial`: a signature drawn before (a PNG of this pad, kept in a draft through a reload),
 * shown again as it was; a stroke more adds to it. */
export function SignaturePad({ onChange, initial = null }) {
  const canvas = useRef(null);
  const drawing = useRef(false);
  const dirty = useRef(false);
  useEffect(() => {
    const c = canvas.current;
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.lineWidth = 3;
    ctx.lineCap = 'round';
    ctx.strokeStyle = '#000';
    if (initial) {
      dirty.current = true;
      createImageBitmap(initial).then(
        (bitmap) => {
          if (!drawing.current) ctx.drawImage(bitmap, 0, 0, c.width, c.height);
          bitmap.close();
        },
        () => {},
      );
    }
  }, []);
  const point = (e) => {
    const r = canvas.current.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.current.width) / r.width, ((e.clientY - r.top) * canvas.current.height) / r.height];
  };
  const down = (e) => {
    drawing.current = true;
    canvas.current.setPointerCapture(e.pointerId);
    const ctx = canvas.current.getContext('2d');
    ctx.beginPath();
    ctx.moveTo(...point(e));
  };
  const move = (e) => {
    if (!drawing.current) return;
    const ctx = canvas.current.getContext('2d');
    ctx.lineTo(...point(e));
    ctx.stroke();
    dirty.current = true;
  };
  const up = () => {
    if (!drawing.current) return;
    drawing.current = false;
    if (dirty.current) canvas.current.toBlob((b) => onChange(b), 'image/png');
  };
  const clear = () => {
    const c = canvas.current;
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, c.width, c.height);
    dirty.current = false;
    onChange(null);
  };
  return html`<div class="signature">
    <canvas ref=${canvas} width="600" height="240" aria-label=${t('signature')} role="img"
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up} />
    <button type="button" class="secondary" onClick=${clear}>${t('sign_clear')}</button>
  </div>`;
}
