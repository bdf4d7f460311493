import { BadRequestException, type PipeTransform } from '@nestjs/common';

/** Route info hashes: 40 hex characters, compared in lower case everywhere. */
export class InfoHashPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[0-9a-fA-F]{40}$/.test(value)) {
      throw new BadRequestException(
        `infoHash must be 40 hexadecimal characters, got "${value.slice(0, 60)}"`,
      );
    }
    return value.toLowerCase();
  }
}
