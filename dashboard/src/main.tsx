import { render } from 'preact';
import { App } from './app/App.tsx';
import { applyTheme } from './app/theme.ts';
import './styles/base.css';
import './styles/shell.css';

applyTheme();
render(<App />, document.getElementById('app')!);
