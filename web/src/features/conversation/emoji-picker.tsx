/** The composer's emoji picker: category tabs and a grid, arrow keys move, Enter picks, Escape closes. */
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useI18n } from '../../i18n/index.js';
import { EMOJI_CATEGORIES, type EmojiCategoryId } from '../../ui/emoji.js';

const COLUMNS = 8;

export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const { t } = useI18n();
  const [category, setCategory] = useState<EmojiCategoryId>('smileys');
  const ref = useRef<HTMLDivElement>(null);
  const grid = useRef<HTMLDivElement>(null);
  const current = EMOJI_CATEGORIES.find((c) => c.id === category) ?? EMOJI_CATEGORIES[0]!;

  useEffect(() => {
    const onDown = (e: MouseEvent) => {
      const target = e.target as HTMLElement;
      if (ref.current && !ref.current.contains(target) && !target.closest('.emoji-btn')) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    document.addEventListener('mousedown', onDown, true);
    window.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown, true);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);

  const onGridKey = (e: ReactKeyboardEvent) => {
    const cells = [...(grid.current?.querySelectorAll<HTMLElement>('button') ?? [])];
    const i = cells.indexOf(document.activeElement as HTMLElement);
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    const d = moves[e.key];
    if (d !== undefined && i >= 0) {
      e.preventDefault();
      cells[Math.max(0, Math.min(cells.length - 1, i + d))]?.focus();
    }
  };

  return (
    <div
      className="composer-popover emoji-picker"
      ref={ref}
      role="dialog"
      aria-label={t('composer.emoji')}
    >
      <div className="emoji-tabs" role="tablist" aria-label={t('composer.emojiCategories')}>
        {EMOJI_CATEGORIES.map((c) => (
          <button
            key={c.id}
            type="button"
            role="tab"
            aria-selected={c.id === category}
            aria-controls="emoji-grid"
            aria-label={t(`composer.emoji.${c.id}`)}
            title={t(`composer.emoji.${c.id}`)}
            onClick={() => {
              setCategory(c.id);
              grid.current?.scrollTo?.({ top: 0 });
            }}
          >
            {c.icon}
          </button>
        ))}
      </div>
      <div className="emoji-grid" id="emoji-grid" role="tabpanel" aria-label={t(`composer.emoji.${current.id}`)} ref={grid} onKeyDown={onGridKey}>
        {current.emoji.map((e) => (
          <button key={e} type="button" onClick={() => onPick(e)} aria-label={e}>
            {e}
          </button>
        ))}
      </div>
    </div>
  );
}
