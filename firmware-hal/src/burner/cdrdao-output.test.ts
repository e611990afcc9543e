import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  CdrdaoOutputError,
  outputLines,
  parseDiskInfo,
  parseScanbus,
  parseTocSize,
  readTestFraction,
  WriteProgressTracker,
} from './cdrdao-output.js';
import type { BurnProgress } from './types.js';

// Samples in the layout cdrdao 1.2.4 prints (dao/main.cc showDiskInfo, scanBus, setupDevice;
// dao/dao.cc writer), see cdrdao-output.ts for the sources.
const BANNER = 'Cdrdao version 1.2.4 - (C) Andreas Mueller <andreas@daneb.de>';

const DISK_INFO_BLANK = [
  BANNER,
  '/dev/sr0: HL-DT-ST DVDRAM GH24NSD1\tRev: LW00',
  'Using driver: Generic SCSI-3/MMC - Version 2.0 (options 0x0000)',
  '',
  'That data below may not reflect the real status of the inserted medium',
  'if a simulation run was performed before. Reload the medium in this case.',
  '',
  'CD-RW                : no',
  'Total Capacity       : 79:59:74 (359999 blocks, 703/807 MB)',
  'CD-R medium          : Taiyo Yuden Company Limited',
  '                       Long strategy type (Cyanine, AZO or similar)',
  'Recording Speed      : 0X - 48X',
  'CD-R empty           : yes',
].join('\n');

const DISK_INFO_APPENDABLE = [
  'CD-RW                : yes',
  'Total Capacity       : 74:39:74 (335999 blocks, 656/753 MB)',
  'CD-R medium          : n/a',
  'Recording Speed      : n/a',
  'CD-R empty           : no',
  'Toc Type             : CD-DA or CD-ROM',
  'Sessions             : 1',
  'Last Track           : 3',
  'Appendable           : yes',
  'Start of last session: 0 (00:02:00)',
  'Start of new session : 24513 (05:28:63)',
  'Remaining Capacity   : 69:13:36 (311486 blocks, 608/698 MB)',
].join('\n');

describe('parseDiskInfo', () => {
  it('reads a blank 80-minute CD-R, its medium and the drive', () => {
    expect(parseDiskInfo(DISK_INFO_BLANK)).toEqual({
      vendor: 'HL-DT-ST',
      model: 'DVDRAM GH24NSD1',
      cdrw: false,
      totalBlocks: 359_999,
      mediumVendor: 'Taiyo Yuden Company Limited',
      empty: true,
      appendable: null,
      remainingBlocks: null,
    });
  });

  it('reads an appendable disc with its remaining capacity', () => {
    const d = parseDiskInfo(DISK_INFO_APPENDABLE);
    expect(d).toMatchObject({
      cdrw: true,
      empty: false,
      appendable: true,
      remainingBlocks: 311_486,
    });
    expect(d.mediumVendor).toBeNull();
    expect(d.vendor).toBeNull();
  });

  it('takes CRLF and the table with n/a everywhere', () => {
    const text = [
      'CD-RW                : n/a',
      'Total Capacity       : n/a',
      'CD-R empty           : n/a',
    ].join('\r\n');
    expect(parseDiskInfo(text)).toMatchObject({ cdrw: null, totalBlocks: null, empty: null });
  });

  it('names the label of a value cut off mid-line', () => {
    const cut = DISK_INFO_BLANK.replace('79:59:74 (359999 blocks, 703/807 MB)', '79:59:74 (3599');
    expect(() => parseDiskInfo(cut)).toThrow(CdrdaoOutputError);
    expect(() => parseDiskInfo(cut)).toThrow(/"Total Capacity" from "79:59:74 \(3599"/);
  });

  it('refuses output cut short before "CD-R empty"', () => {
    const truncated = DISK_INFO_BLANK.split('\n').slice(0, 9).join('\n');
    expect(() => parseDiskInfo(truncated)).toThrow(/no "CD-R empty" line/);
    expect(() => parseDiskInfo('')).toThrow(CdrdaoOutputError);
    expect(() => parseDiskInfo('\u0000\u0001garbage: \n::::')).toThrow(CdrdaoOutputError);
  });

  it('refuses a yes/no field with something else in it', () => {
    expect(() => parseDiskInfo('CD-R empty           : maybe')).toThrow(/"CD-R empty" is neither/);
  });
});

describe('parseScanbus', () => {
  it('reads sysfs and ATA lines with padded inquiry fields', () => {
    const text = [
      BANNER,
      '/dev/sr0 : HL-DT-ST, DVDRAM GH24NSD1 , LW00',
      '/dev/sr1 : TSSTcorp, CDDVDW SH-224DB , SB01',
      'ATA:1,0,0            PIONEER , DVD-RW  DVR-221L, 1.00',
    ].join('\n');
    expect(parseScanbus(text)).toEqual({
      drives: [
        { device: '/dev/sr0', vendor: 'HL-DT-ST', model: 'DVDRAM GH24NSD1', revision: 'LW00' },
        { device: '/dev/sr1', vendor: 'TSSTcorp', model: 'CDDVDW SH-224DB', revision: 'SB01' },
        { device: 'ATA:1,0,0', vendor: 'PIONEER', model: 'DVD-RW  DVR-221L', revision: '1.00' },
      ],
      problems: [],
    });
  });

  it('reports no drives and the error when sysfs is missing (exit code 0)', () => {
    const text = `${BANNER}\nERROR: Unable to access sysfs filesystem at /sys/bus/scsi/devices\n`;
    expect(parseScanbus(text)).toEqual({
      drives: [],
      problems: ['ERROR: Unable to access sysfs filesystem at /sys/bus/scsi/devices'],
    });
  });

  it('keeps a truncated line as a problem instead of a half drive', () => {
    const r = parseScanbus('/dev/sr0 : HL-DT-ST, DVDRAM');
    expect(r.drives).toEqual([]);
    expect(r.problems).toEqual(['/dev/sr0 : HL-DT-ST, DVDRAM']);
  });
});

describe('parseTocSize', () => {
  it('reads the block count', () => {
    expect(parseTocSize('765\n')).toBe(765);
  });
  it('refuses anything else', () => {
    expect(() => parseTocSize('')).toThrow(/expected one number of blocks/);
    expect(() => parseTocSize('76x\n')).toThrow(CdrdaoOutputError);
    expect(() => parseTocSize('1\n2\n')).toThrow(CdrdaoOutputError);
  });
});

/** A whole `cdrdao write` stderr as it arrives: progress lines end in \r. */
const WRITE_STDERR = [
  `${BANNER}\n`,
  '/dev/sr0: HL-DT-ST DVDRAM GH24NSD1\tRev: LW00\n',
  'Using driver: Generic SCSI-3/MMC - Version 2.0 (options 0x0000)\n\n',
  'Starting write at speed 8...\n',
  'Process can be aborted with QUIT signal (usually CTRL-\\).\n',
  'Turning BURN-Proof on\n',
  'Executing power calibration...\n',
  'Power calibration successful.\n',
  'Writing track 01 (mode AUDIO/AUDIO )...\n',
  'Wrote 1 of 4 MB (Buffers 100%  98%).\r',
  'Wrote 2 of 4 MB (Buffers 100%  97%).\r',
  'Writing track 02 (mode AUDIO/AUDIO )...\n',
  'Wrote 3 of 4 MB (Buffers 100%  98%).\r',
  'Wrote 4 of 4 MB (Buffers 100%  96%).\r',
  '\nWrote 1890 blocks. Buffer fill min 96%/max 100%.\n',
  'Flushing cache...\n',
  'Writing finished successfully.\n',
].join('');

describe('WriteProgressTracker', () => {
  it('follows a whole write to 1, phase by phase, never backwards', () => {
    const t = new WriteProgressTracker();
    const seen: BurnProgress[] = [];
    for (const line of outputLines(WRITE_STDERR)) {
      const p = t.line(line);
      if (p) seen.push(p);
    }
    expect(seen.map((p) => p.phase)).toEqual([
      'preparing',
      'preparing',
      'preparing',
      'writing',
      'writing',
      'writing',
      'writing',
      'writing',
      'writing',
      'fixating',
      'fixating',
      'fixating',
    ]);
    const fractions = seen.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    expect(seen.find((p) => p.detail === 'Wrote 2 of 4 MB')?.fraction).toBeCloseTo(0.5, 5);
    expect(t.started).toBe(true);
    expect(t.finished).toBe(true);
  });

  it('ignores malformed and truncated progress lines', () => {
    const t = new WriteProgressTracker();
    expect(t.line('Wrote 3 of 0 MB (Buffers 100%  96%).')).toBeNull();
    expect(t.line('Wrote 9 of 4 MB')).toBeNull();
    expect(t.line('Wrote 1 of')).toBeNull();
    expect(t.line('Wrote x of y MB')).toBeNull();
    expect(t.line('garbage \u0000')).toBeNull();
    expect(t.finished).toBe(false);
  });

  it('does not go back when a line repeats out of order', () => {
    const t = new WriteProgressTracker();
    t.line('Wrote 3 of 4 MB (Buffers 100%  98%).');
    expect(t.line('Writing track 02 (mode AUDIO/AUDIO )...')?.fraction).toBeCloseTo(0.725, 5);
  });
});

describe('readTestFraction', () => {
  it('reads "Read x of y MB." and nothing else', () => {
    expect(readTestFraction('Read 3 of 12 MB.')).toBe(0.25);
    expect(readTestFraction('Read 0 of 0 MB.')).toBeNull();
    expect(readTestFraction('Read 765 blocks.')).toBeNull();
  });
});

describe('classifyFailure', () => {
  const exit1 = { code: 1, signal: null };
  const cases: [string, string[], string, string][] = [
    [
      'a device that is not there',
      [
        'ERROR: Unable to open SCSI device /dev/sr9: No such file or directory.',
        "ERROR: Please use option '--device {[proto:]bus,id,lun}|device', e.g. --device 0,6,0, --device ATA:0,0,0 or --device /dev/cdrom",
        'ERROR: Cannot setup device /dev/sr9.',
      ],
      'drive-missing',
      'Unable to open SCSI device /dev/sr9: No such file or directory.',
    ],
    [
      'a device another program holds',
      [
        'ERROR: Unable to open SCSI device /dev/sr0: Device or resource busy.',
        'ERROR: Cannot setup device /dev/sr0.',
      ],
      'drive-busy',
      'Unable to open SCSI device /dev/sr0: Device or resource busy.',
    ],
    [
      'an empty tray',
      [
        'WARNING: Unit not ready, still trying...',
        'ERROR: Unit not ready, giving up.',
        'ERROR: Cannot setup device /dev/sr0.',
      ],
      'no-disc',
      'Unit not ready, giving up.',
    ],
    [
      'a written disc',
      [
        'Disk seems to be written - hit return to reload disk.',
        'Reloading disk...',
        'ERROR: Inserted disk is not empty and not appendable.',
      ],
      'not-blank',
      'Disk seems to be written - hit return to reload disk.',
    ],
    [
      'a disc too short',
      [
        'ERROR: Length of toc (81:02:10, 364660 blocks) exceeds capacity of CD-R (79:59:74, 359999 blocks).',
        "ERROR: Please use option '--overburn' to start recording anyway.",
      ],
      'too-small',
      'Length of toc (81:02:10, 364660 blocks) exceeds capacity of CD-R (79:59:74, 359999 blocks).',
    ],
    [
      'a WAV at the wrong rate',
      [
        'ERROR: bad.wav: found sampling rate 22050, require 44100.',
        'ERROR: Header of audio file "bad.wav" is corrupted.',
        'ERROR: bad.toc:6: Cannot determine length of track data specification.',
      ],
      'bad-image',
      'bad.wav: found sampling rate 22050, require 44100.',
    ],
    [
      'a medium error while writing',
      [
        'ERROR: Write data failed.',
        'SCSI command failed: sense key: 0x03: Medium Error',
        'Additional sense indicates: Write error',
        'ERROR: Writing failed - buffer under run?',
        'ERROR: Writing failed.',
      ],
      'write-failed',
      'SCSI command failed: sense key: 0x03: Medium Error',
    ],
    [
      'a write failure with no medium fault',
      [
        'ERROR: Write data failed.',
        'ERROR: Writing failed - buffer under run?',
        'ERROR: Writing failed.',
      ],
      'buffer-underrun',
      'Writing failed - buffer under run?',
    ],
    [
      'an abort by signal',
      ['WARNING: Writing/simulation/read-test aborted on user request.', 'ERROR: Writing failed.'],
      'aborted',
      'Writing/simulation/read-test aborted on user request.',
    ],
  ];
  for (const [what, lines, reason, detail] of cases) {
    it(`maps ${what} to ${reason}`, () => {
      const e = classifyFailure(lines, exit1);
      expect(e.reason).toBe(reason);
      expect(e.detail).toBe(detail);
      expect(e.message.length).toBeGreaterThan(10);
    });
  }

  it('gives unknown with the last ERROR line, or the exit status', () => {
    expect(classifyFailure(['ERROR: Something new.'], exit1)).toMatchObject({
      reason: 'unknown',
      detail: 'Something new. (cdrdao exited with code 1)',
    });
    expect(classifyFailure([], { code: null, signal: 'SIGSEGV' })).toMatchObject({
      reason: 'unknown',
      detail: 'cdrdao was killed by SIGSEGV',
    });
  });
});
