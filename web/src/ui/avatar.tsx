/** Round avatar: the profile photo when visible, else initials on a colour derived from the id. */
import { store } from '../lib/store.js';

const COLORS = ['#6b8e23', '#1e88e5', '#8e24aa', '#e53935', '#00897b', '#f4511e', '#3949ab', '#827717', '#5d4037', '#d81b60'];

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
