import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from './api/index.ts';
import { App, NeedsToken } from './App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
const client = connect();
createRoot(root).render(<StrictMode>{client ? <App client={client} /> : <NeedsToken />}</StrictMode>);
