import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider, createDefaultClient } from './api';
import { App } from './App';
import { normalizeHash } from './hooks/useHashRoute';
import { SettingsProvider } from './settings';
import { applyRememberedTheme } from './theme';
import './styles/tokens.css';
import './styles/base.css';
import './styles/controls.css';

applyRememberedTheme();
normalizeHash();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <ApiProvider client={createDefaultClient()}>
      <SettingsProvider>
        <App />
      </SettingsProvider>
    </ApiProvider>
  </StrictMode>,
);
