import Tensors

// Replays the study notebook's cells with TensorTop's library (see ../shared/notebook).
// Each cell prints what the PyTorch notebook printed.

Notebook.run()
