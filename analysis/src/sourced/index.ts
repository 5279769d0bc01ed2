/** image.sh and the files it sources (`source`/`.`): resolution, combined facts, findings anchored in image.sh. */
export { anchorFindings, combineSourced, inImageFile, locate, MAX_SOURCED_FILES, placeText, type LoadedFile } from './combine';
export { resolveSource } from './resolve';
export { diskLoader } from './disk';
