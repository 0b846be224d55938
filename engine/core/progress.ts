// Progress as the engine sees it: an interface it is handed, never a terminal it writes to. Defined in the
// data layer (lake builds and share training report through it too) and re-exported here for engine callers.
export { silentProgress, type Progress } from '../../src/data/progress.ts';
