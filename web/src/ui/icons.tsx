/** Inline SVG icons (decorative: aria-hidden; the button around them carries the label). */
import type { SVGProps } from 'react';

type P = SVGProps<SVGSVGElement>;
const base = (props: P) => ({ viewBox: '0 0 24 24', fill: 'currentColor', 'aria-hidden': true, focusable: false, ...props });

export const SendIcon = (p: P) => (<svg {...base(p)}><path d="M3.4 20.4 21 12 3.4 3.6l-.01 6.53L16 12 3.39 13.87z" /></svg>);
export const MicIcon = (p: P) => (<svg {...base(p)}><path d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11z" /></svg>);
export const AttachIcon = (p: P) => (<svg {...base(p)}><path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" /></svg>);
export const EmojiIcon = (p: P) => (<svg {...base(p)}><path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9A1.5 1.5 0 1 0 8.5 8a1.5 1.5 0 0 0 0 3zm7 0A1.5 1.5 0 1 0 15.5 8a1.5 1.5 0 0 0 0 3zM12 17.5a5.5 5.5 0 0 0 5.1-3.5H6.9a5.5 5.5 0 0 0 5.1 3.5z" /></svg>);
export const BackIcon = (p: P) => (<svg {...base(p)}><path d="M20 11H7.83l5.59-5.59L12 4l-8 8 8 8 1.41-1.41L7.83 13H20z" /></svg>);
export const NewChatIcon = (p: P) => (<svg {...base(p)}><path d="M19 3H5a2 2 0 0 0-2 2v14l4-4h12a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm-3 7h-3v3h-2v-3H8V8h3V5h2v3h3z" /></svg>);
export const SettingsIcon = (p: P) => (<svg {...base(p)}><path d="M19.4 13a7.6 7.6 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.6 7.6 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1c.5.4 1.1.7 1.7 1L11 21h4l.4-2.9c.6-.3 1.2-.6 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z" transform="translate(-1 0)" /></svg>);
export const CloseIcon = (p: P) => (<svg {...base(p)}><path d="M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z" /></svg>);
export const PinIcon = (p: P) => (<svg {...base(p)}><path d="M16 3v2h-1v6l2 3v2h-4v5l-1 1-1-1v-5H7v-2l2-3V5H8V3z" /></svg>);
export const MuteIcon = (p: P) => (<svg {...base(p)}><path d="M16.5 12A4.5 4.5 0 0 0 14 7.97v2.21l2.45 2.45c.03-.2.05-.41.05-.63zM19 12c0 .94-.2 1.82-.54 2.64l1.51 1.51A8.8 8.8 0 0 0 21 12c0-4.28-2.99-7.86-7-8.77v2.06c2.89.86 5 3.54 5 6.71zM4.27 3 3 4.27 7.73 9H3v6h4l5 5v-6.73l4.25 4.25c-.67.52-1.42.93-2.25 1.18v2.06a8.99 8.99 0 0 0 3.69-1.81L19.73 21 21 19.73l-9-9zM12 4 9.91 6.09 12 8.18z" /></svg>);
export const MoreIcon = (p: P) => (<svg {...base(p)}><path d="M12 8a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z" /></svg>);
export const ClockIcon = (p: P) => (<svg {...base({ viewBox: '0 0 16 16', ...p })}><path d="M8 1.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zm0 1.2a5.3 5.3 0 1 1 0 10.6A5.3 5.3 0 0 1 8 2.7zM7.4 4v4.4l3.1 1.9.6-1-2.5-1.5V4z" /></svg>);
export const LockIcon = (p: P) => (<svg {...base(p)}><path d="M18 8h-1V6A5 5 0 0 0 7 6v2H6a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V10a2 2 0 0 0-2-2zm-6 9a2 2 0 1 1 0-4 2 2 0 0 1 0 4zm3.1-9H8.9V6a3.1 3.1 0 0 1 6.2 0z" /></svg>);

export const ImageIcon = (p: P) => (<svg {...base(p)}><path d="M21 19V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2zM8.5 13.5l2.5 3 3.5-4.5 4.5 6H5z" /></svg>);
export const DocumentIcon = (p: P) => (<svg {...base(p)}><path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9zM8 13h8v2H8zm0 4h8v2H8z" /></svg>);
export const LocationIcon = (p: P) => (<svg {...base(p)}><path d="M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7zm0 9.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5z" /></svg>);
export const ContactIcon = (p: P) => (<svg {...base(p)}><path d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-2.67 0-8 1.34-8 4v2h16v-2c0-2.66-5.33-4-8-4z" /></svg>);
export const PlayIcon = (p: P) => (<svg {...base(p)}><path d="M8 5v14l11-7z" /></svg>);
export const PauseIcon = (p: P) => (<svg {...base(p)}><path d="M6 19h4V5H6zm8-14v14h4V5z" /></svg>);
export const ChevronDownIcon = (p: P) => (<svg {...base(p)}><path d="M7.41 8.59 12 13.17l4.59-4.58L18 10l-6 6-6-6z" /></svg>);
export const ArrowDownIcon = (p: P) => (<svg {...base(p)}><path d="M20 12l-1.41-1.41L13 16.17V4h-2v12.17l-5.58-5.59L4 12l8 8z" /></svg>);
export const ReplyIcon = (p: P) => (<svg {...base(p)}><path d="M10 9V5l-7 7 7 7v-4.1c5 0 8.5 1.6 11 5.1-1-5-4-10-11-11z" /></svg>);
export const ForwardIcon = (p: P) => (<svg {...base(p)}><path d="M14 9V5l7 7-7 7v-4.1c-5 0-8.5 1.6-11 5.1 1-5 4-10 11-11z" /></svg>);
export const CopyIcon = (p: P) => (<svg {...base(p)}><path d="M16 1H4a2 2 0 0 0-2 2v14h2V3h12zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11z" /></svg>);
export const EditIcon = (p: P) => (<svg {...base(p)}><path d="M3 17.25V21h3.75L17.81 9.94l-3.75-3.75zM20.71 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75z" /></svg>);
export const TrashIcon = (p: P) => (<svg {...base(p)}><path d="M6 19a2 2 0 0 0 2 2h8a2 2 0 0 0 2-2V7H6zM19 4h-3.5l-1-1h-5l-1 1H5v2h14z" /></svg>);
export const InfoIcon = (p: P) => (<svg {...base(p)}><path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm1 15h-2v-6h2zm0-8h-2V7h2z" /></svg>);
export const DownloadIcon = (p: P) => (<svg {...base(p)}><path d="M19 9h-4V3H9v6H5l7 7zM5 18v2h14v-2z" /></svg>);
export const CheckIcon = (p: P) => (<svg {...base(p)}><path d="M9 16.17 4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z" /></svg>);
export const RetryIcon = (p: P) => (<svg {...base(p)}><path d="M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4z" /></svg>);

/** One grey tick (sent), two grey (delivered), two blue (read), a clock (pending), a red mark (failed). */
export function StatusTicks({ status, label }: { status: 'pending' | 'failed' | 'sent' | 'delivered' | 'read'; label: string }) {
  if (status === 'pending') return <ClockIcon className="tick" role="img" aria-label={label} aria-hidden={false} data-status={status} />;
  if (status === 'failed')
    return (
      <svg viewBox="0 0 16 16" className="tick failed" role="img" aria-label={label} data-status={status}>
        <circle cx="8" cy="8" r="7" fill="currentColor" />
        <path d="M7.2 3.8h1.6v5H7.2zm0 6.3h1.6v1.6H7.2z" fill="#fff" />
      </svg>
    );
  const double = status !== 'sent';
  return (
    <svg viewBox="0 0 18 11" className={`tick${status === 'read' ? ' read' : ''}`} role="img" aria-label={label} data-status={status} fill="currentColor">
      {double ? (
        <path d="M12.6.7 11.6 0 5.3 7.9 2.1 4.9l-.9.9 4.1 4 7.3-9.1zm4.5 0L16.1 0 9.8 7.9l-.7-.7-.9.9 1.7 1.6 7.2-9z" />
      ) : (
        <path d="M11.1.7 10.1 0 3.8 7.9.6 4.9l-.9.9 4.1 4 7.3-9.1z" transform="translate(3 0)" />
      )}
    </svg>
  );
}
