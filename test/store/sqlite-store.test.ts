import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempSqlitePath } from '../support/test-app.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('SQLite', async () => {
  const file = tempSqlitePath();
  return {
    openStore: async () => createSqliteStore(file.path),
    dispose: async () => file.cleanup(),
  };
});
