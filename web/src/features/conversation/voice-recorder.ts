/**
 * Recording a voice note with MediaRecorder: the format the browser supports best (Ogg-Opus, then
 * MP4, then WebM-Opus), elapsed time, cancel, and stop → the recorded file with its duration.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { pickRecorderType } from './media.js';

export interface Recording {
  blob: Blob;
  mimeType: string;
  durationMs: number;
}

export type RecorderError = 'unsupported' | 'denied';

export function useVoiceRecorder() {
  const [recording, setRecording] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const rec = useRef<{ recorder: MediaRecorder; stream: MediaStream; chunks: Blob[]; startedAt: number; timer: ReturnType<typeof setInterval> } | null>(null);

  const release = useCallback(() => {
    const r = rec.current;
    rec.current = null;
    if (!r) return;
    clearInterval(r.timer);
    for (const track of r.stream.getTracks()) track.stop();
    setRecording(false);
    setElapsed(0);
  }, []);

  /** Ask for the microphone and start recording. Resolves to an error name when it cannot. */
  const start = useCallback(async (): Promise<RecorderError | null> => {
    if (rec.current) return null;
    const mimeType = pickRecorderType();
    if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices?.getUserMedia) return 'unsupported';
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
    } catch {
      return 'denied';
    }
    let recorder: MediaRecorder;
    try {
      recorder = new MediaRecorder(stream, mimeType ? { mimeType, audioBitsPerSecond: 32_000 } : undefined);
    } catch {
      for (const track of stream.getTracks()) track.stop();
      return 'unsupported';
    }
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => {
      if (e.data.size) chunks.push(e.data);
    };
    const startedAt = Date.now();
    const timer = setInterval(() => setElapsed(Date.now() - startedAt), 250);
    rec.current = { recorder, stream, chunks, startedAt, timer };
    recorder.start(250);
    setElapsed(0);
    setRecording(true);
    return null;
  }, []);

  /** Stop and hand back the recording (null when nothing was recorded). */
  const stop = useCallback(async (): Promise<Recording | null> => {
    const r = rec.current;
    if (!r) return null;
    const durationMs = Date.now() - r.startedAt;
    const done = new Promise<void>((resolve) => {
      r.recorder.onstop = () => resolve();
      r.recorder.onerror = () => resolve();
    });
    try {
      if (r.recorder.state !== 'inactive') r.recorder.stop();
      else r.recorder.onstop?.(new Event('stop'));
    } catch {
      // already stopped
    }
    await done;
    release();
    const mimeType = (r.recorder.mimeType || r.chunks[0]?.type || 'audio/webm').toLowerCase();
    if (!r.chunks.length) return null;
    return { blob: new Blob(r.chunks, { type: mimeType }), mimeType, durationMs };
  }, [release]);

  const cancel = useCallback(() => {
    const r = rec.current;
    if (!r) return;
    r.recorder.ondataavailable = null;
    try {
      if (r.recorder.state !== 'inactive') r.recorder.stop();
    } catch {
      // already stopped
    }
    release();
  }, [release]);

  useEffect(() => cancel, [cancel]);

  return { recording, elapsed, start, stop, cancel };
}
