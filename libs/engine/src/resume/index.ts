export { writeFileAtomic, type AtomicFileSystem } from './atomic-file.js';
export {
  ResumeError,
  ResumeStore,
  type ResumeData,
  type ResumeErrorCode,
  type ResumeStoreOptions,
} from './resume-store.js';
