import { useEffect, useRef, useState } from 'preact/hooks';
import { navigate } from '../api/router.ts';
import { type Session, useSession } from '../api/session.ts';
import { useTheme } from './theme.ts';

/** The admin's email with a small menu: my account, theme, log out. */
export function UserMenu({ session }: { session: Session }) {
  const { logout } = useSession();
  const { dark, toggle } = useTheme();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <div class="user-menu" ref={root}>
      <button type="button" class="ghost" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="user-menu">
        {session.user.email} <span class="muted">· {session.user.role.toLowerCase().replace('_', '-')}</span> ▾
      </button>
      {open && (
        <div class="menu" role="menu">
          <button
            type="button"
            role="menuitem"
            data-testid="menu-account"
            onClick={() => {
              setOpen(false);
              navigate('/account');
            }}
          >
            My account
          </button>
          <button type="button" role="menuitem" data-testid="theme-toggle" onClick={toggle}>
            {dark ? 'Light mode' : 'Dark mode'}
          </button>
          <button type="button" role="menuitem" data-testid="logout" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      )}
    </div>
  );
}
