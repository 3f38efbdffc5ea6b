import { useEffect, useState } from 'preact/hooks';

/** 'system' follows prefers-color-scheme; the choice is a UI preference kept in localStorage. */
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'plinth.theme';

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}

/** Applies the saved theme to <html data-theme>; runs once before the first render. */
export function applyTheme(choice: ThemeChoice = stored()): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

function systemDark(): boolean {
  return matchMedia('(prefers-color-scheme: dark)').matches;
}

/** The theme in effect and a toggle that flips it (saving the explicit choice). */
export function useTheme(): { dark: boolean; toggle: () => void } {
  const [choice, setChoice] = useState(stored);
  const [sysDark, setSysDark] = useState(systemDark);
  useEffect(() => {
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => setSysDark(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  const dark = choice === 'dark' || (choice === 'system' && sysDark);
  const toggle = () => {
    const next: ThemeChoice = dark ? 'light' : 'dark';
    // Back to "system" when the new choice matches the system's, so later OS changes are followed.
    const save: ThemeChoice = (next === 'dark') === systemDark() ? 'system' : next;
    try {
      if (save === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, save);
    } catch {}
    applyTheme(save);
    setChoice(save);
  };
  return { dark, toggle };
}
