// Merged into @jupyterlab/builder's webpack config. The builder exposes the entry module by its
// absolute path, and webpack's default ("deterministic") module ids hash that path, so the build
// would change with the checkout's location; numbering modules in order of use does not.
module.exports = {
  optimization: { moduleIds: 'natural' }
};
