/**
 * The safety-number screen of a chat between people: a fingerprint of both parties' identity keys
 * as 60 digits and as a QR code. Scanning the contact's code (with the camera, or from a picture of
 * it) or comparing the digits marks the chat verified on this device.
 */
import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import QRCode from 'qrcode';
import jsQR from 'jsqr';
import type { SafetyNumber } from '../../../../packages/e2e/src/index.js';
import { useI18n } from '../../i18n/index.js';
import { store, useStore } from '../../lib/store.js';
import { Dialog } from '../../ui/dialog.js';

type ScanResult = 'idle' | 'match' | 'mismatch' | 'unreadable';

/** Read a QR code out of an image (or video frame) drawn on a canvas. */
function decodeQr(source: CanvasImageSource, width: number, height: number): string | null {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx || !width || !height) return null;
  ctx.drawImage(source, 0, 0, width, height);
  const img = ctx.getImageData(0, 0, width, height);
  return jsQR(img.data, width, height)?.data ?? null;
}

async function decodeFile(file: File): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return decodeQr(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

export function SafetyNumberDialog({ chatId, name, onClose }: { chatId: string; name: string; onClose(): void }) {
  const { t } = useI18n();
  const verified = useStore((s) => s.verified[chatId] ?? false);
  const [number, setNumber] = useState<SafetyNumber | null | undefined>(undefined);
  const [qr, setQr] = useState<string>('');
  const [result, setResult] = useState<ScanResult>('idle');
  const [camera, setCamera] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const fileId = useId();
  const digitsId = useId();

  useEffect(() => {
    let live = true;
    store.safetyNumber(chatId).then(
      async (n) => {
        if (!live) return;
        setNumber(n);
        if (n) setQr(await QRCode.toDataURL(n.qr, { errorCorrectionLevel: 'M', margin: 2, width: 240 }));
      },
      () => live && setNumber(null),
    );
    return () => {
      live = false;
    };
  }, [chatId]);

  const check = useCallback(
    async (scanned: string | null) => {
      if (!number) return;
      if (!scanned) return setResult('unreadable');
      if (scanned !== number.qr) return setResult('mismatch');
      await store.markVerified(chatId, number.digits);
      setResult('match');
    },
    [chatId, number],
  );

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    await check(await decodeFile(file).catch(() => null));
  };

  // Camera scanning: read frames until a code is found (or the person stops).
  useEffect(() => {
    if (!camera) return;
    let stream: MediaStream | null = null;
    let frame = 0;
    let stopped = false;
    const tick = () => {
      const v = video.current;
      if (stopped || !v) return;
      const data = v.readyState >= 2 ? decodeQr(v, v.videoWidth, v.videoHeight) : null;
      if (data) {
        setCamera(false);
        void check(data);
        return;
      }
      frame = requestAnimationFrame(tick);
    };
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(
      (s) => {
        stream = s;
        if (stopped || !video.current) return s.getTracks().forEach((x) => x.stop());
        video.current.srcObject = s;
        void video.current.play().catch(() => undefined);
        frame = requestAnimationFrame(tick);
      },
      () => {
        setCamera(false);
        setResult('unreadable');
      },
    );
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((x) => x.stop());
    };
  }, [camera, check]);

  const hasCamera = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

  return (
    <Dialog title={t('e2e.safety.title')} onClose={onClose}>
      <div className="safety-number">
        {number === undefined && <p role="status">{t('common.loading')}</p>}
        {number === null && <p role="status">{t('e2e.safety.unavailable')}</p>}
        {number && (
          <>
            <p className="panel-hint">{t('e2e.safety.help', { name })}</p>
            {qr && <img className="safety-qr" src={qr} width={240} height={240} alt={t('e2e.safety.qrAlt')} />}
            <p className="safety-digits" id={digitsId} aria-label={t('e2e.safety.digitsLabel', { digits: number.groups.join(' ') })}>
              {number.groups.map((g, i) => (
                <span key={i}>{g}</span>
              ))}
            </p>
            <p className={`safety-status${verified ? ' verified' : ''}`} role="status" aria-live="polite">
              {result === 'mismatch'
                ? t('e2e.safety.mismatch')
                : result === 'unreadable'
                  ? t('e2e.safety.unreadable')
                  : verified
                    ? `✓ ${t('e2e.safety.verified')}`
                    : t('e2e.safety.notVerified')}
            </p>
            {camera && <video ref={video} className="safety-camera" muted playsInline aria-label={t('e2e.safety.cameraView')} />}
            <div className="safety-actions">
              {hasCamera && (
                <button type="button" className="btn btn-ghost" onClick={() => (setResult('idle'), setCamera((c) => !c))}>
                  {camera ? t('e2e.safety.stopCamera') : t('e2e.safety.scanCamera')}
                </button>
              )}
              <input id={fileId} className="sr-only safety-file" type="file" accept="image/*" onChange={(e) => void onFile(e)} />
              <label className="btn btn-ghost" htmlFor={fileId}>
                {t('e2e.safety.scanPicture')}
              </label>
              {!verified && (
                <button type="button" className="btn btn-ghost" aria-describedby={digitsId} onClick={() => void store.markVerified(chatId, number.digits)}>
                  {t('e2e.safety.markVerified')}
                </button>
              )}
            </div>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
