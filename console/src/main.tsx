import { render } from 'preact';
import { App } from './app';
import './styles.css';

const root = document.getElementById('app')!;
// The boot text is only for the moment before the script runs: Preact keeps what it did not render.
root.textContent = '';
render(<App />, root);
