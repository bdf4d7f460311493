export { FileStorage, type FileStorageOptions } from './file-storage.js';
export { MemoryStorage } from './memory-storage.js';
export { checkAll, verifyPiece, type PieceLayout } from './verify.js';
export { StorageError, type Storage, type StorageErrorCode, type StorageFile } from './storage.js';
