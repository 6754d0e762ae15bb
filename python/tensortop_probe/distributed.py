"""torch.distributed support: which rank talks to the dashboard, and sharing its decisions with all ranks."""
import torch


class Ranks:
    """The process's place in a torch.distributed job (or a job of one when none is initialised).

    Only rank 0 talks to the dashboard; `share` hands rank 0's decision for a step boundary to every
    rank with a broadcast, so all of them pause, change the learning rate or stop together.
    """

    def __init__(self):
        self.enabled = False
        self.rank, self.world_size, self.backend = 0, 1, None
        dist = getattr(torch, "distributed", None)
        if dist is not None and dist.is_available() and dist.is_initialized():
            self.rank, self.world_size = dist.get_rank(), dist.get_world_size()
            self.backend = str(dist.get_backend())
            self.enabled = self.world_size > 1
        self._flag = None
        self._group = None
        self._device = torch.device("cpu")
        if self.enabled and self.backend != "gloo":
            # Decisions travel on a CPU (gloo) group when there can be one, so that reading the
            # per-step flag never waits for the GPU; otherwise on the default group's device.
            # new_group is collective: every rank makes its Probe at the same point of the script.
            if dist.is_gloo_available():
                self._group = dist.new_group(backend="gloo")
            elif self.backend == "nccl" and torch.cuda.is_available():
                self._device = torch.device("cuda", torch.cuda.current_device())

    @property
    def leader(self):
        """Whether this process is rank 0 (the one that talks to the dashboard)."""
        return self.rank == 0

    def share(self, decision):
        """Rank 0's `decision` (None: carry on) on every rank: a one-number broadcast, then the object if any."""
        if not self.enabled:
            return decision
        import torch.distributed as dist
        if self._flag is None:
            self._flag = torch.zeros(1, dtype=torch.int64, device=self._device)
        if self.leader:
            self._flag.fill_(0 if decision is None else 1)
        dist.broadcast(self._flag, src=0, group=self._group)
        if int(self._flag.item()) == 0:
            return None
        box = [decision if self.leader else None]
        dist.broadcast_object_list(box, src=0, group=self._group,
                                   device=self._device if self._device.type != "cpu" else None)
        return box[0]

    def broadcast_tensor(self, tensor):
        """Makes `tensor` equal to rank 0's on every rank (after a re-initialisation)."""
        if self.enabled:
            import torch.distributed as dist
            dist.broadcast(tensor.data, src=0)
