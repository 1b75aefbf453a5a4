import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api.ts';
import type { AppConfig } from './config.ts';
import type { Session, SignOutReason } from './session.ts';

export interface AppState {
  config: AppConfig;
  session: Session;
  api: ApiClient;
  signOut(reason?: SignOutReason): void;
}

export const AppContext = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside the signed-in shell');
  return app;
}
