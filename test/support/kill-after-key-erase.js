// Loaded into a built service with NODE_OPTIONS=--require: the process SIGKILLs itself right after an
// erase has deleted the data key and before PersonalDataErased is appended, the narrowest crash
// window of the erase. Test support only; production code carries no such hook.
const { resolve } = require('node:path');
const { PersonalDataVault } = require(resolve(__dirname, '../../dist/libs/runtime/src/personal-data/personal-data-vault.js'));

const erase = PersonalDataVault.prototype.erase;
PersonalDataVault.prototype.erase = async function eraseThenDie(...args) {
  await erase.apply(this, args);
  process.kill(process.pid, 'SIGKILL');
  await new Promise(() => undefined);
};
