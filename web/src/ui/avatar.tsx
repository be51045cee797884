/** Round avatar: the profile photo when visible, else initials on a colour derived from the id. */
import { store } from '../lib/store.js';

// Each at least 4.5:1 against the white initials.
const COLORS = ['#557a1f', '#1565c0', '#8e24aa', '#c62828', '#00796b', '#bf360c', '#3949ab', '#6d6410', '#5d4037', '#ad1457'];

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '#';
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

export function Avatar({ id, name, mediaId, size = 48 }: { id: string; name: string; mediaId?: string | null; size?: number }) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return (
    <span className="avatar" style={{ width: size, height: size, background: COLORS[h % COLORS.length], fontSize: size * 0.38 }} aria-hidden="true">
      {mediaId ? <img src={store.api.mediaUrl(mediaId)} alt="" loading="lazy" /> : initials(name)}
    </span>
  );
}
