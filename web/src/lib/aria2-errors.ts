/** aria2's errorCode values in words (the numbers are aria2's, also used by ferry's daemon). */
const WORDS: Record<string, string> = {
  '1': 'Unknown error',
  '2': 'Timed out',
  '3': 'Not found on the server',
  '4': 'Too many "not found" answers',
  '5': 'Too slow',
  '6': 'Network problem',
  '7': 'Unfinished when the daemon stopped',
  '8': 'The server cannot resume',
  '9': 'Not enough disk space',
  '10': 'Piece length mismatch',
  '11': 'Already being downloaded',
  '12': 'Already being downloaded',
  '13': 'The file already exists',
  '14': 'Could not rename the file',
  '15': 'Could not open the file',
  '16': 'Could not create or truncate the file',
  '17': 'File system error',
  '18': 'Could not create the folder',
  '19': 'Host name not found',
  '20': 'Bad metalink',
  '21': 'FTP command failed',
  '22': 'Bad HTTP response header',
  '23': 'Too many redirects',
  '24': 'HTTP authorization failed',
  '28': 'Bad option',
  '29': 'Server busy (HTTP 503)',
  '31': 'Removed',
  '32': 'Checksum mismatch',
};

/**
 * One sentence for a failed download: the code in words, then the server's or daemon's own message
 * when it says more (`Not found on the server: 404 Not Found`).
 */
export function describeError(code: string | undefined, message: string | undefined): string {
  const words = code === undefined ? undefined : WORDS[code];
  const detail = (message ?? '').trim();
  if (words === undefined) return detail === '' ? `Failed (code ${code ?? '?'})` : detail;
  if (detail === '' || detail.toLowerCase() === words.toLowerCase()) return words;
  return `${words}: ${detail}`;
}
