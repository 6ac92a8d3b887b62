// What every screen needs, from one place: the signed-in person, the workflow the server
// declares, the reference data (matters, people, departments, settings), the sync state
// (version, counts) and the toast. main.js provides it; a screen reads it with useApp()
// and receives only what its route names (the record's id).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const AppContext = createContext(null);

export function useApp() {
  return useContext(AppContext);
}
