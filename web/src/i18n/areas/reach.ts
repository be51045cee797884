/** Strings of the business tier's reach screens, English and French (same keys in both; a test checks). */
export const en = {
} as const;

export const fr: Record<keyof typeof en, string> = {
};
