export {
  PiecePicker,
  type BlockRequest,
  type BlockReceived,
  type PeerKey,
  type PiecePickerOptions,
} from './piece-picker.js';
