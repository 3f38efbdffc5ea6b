import { render } from 'preact';

render(<p>Plinth dashboard</p>, document.getElementById('app')!);
