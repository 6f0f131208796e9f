package dev.assent.tm.threephase;

import dev.assent.tm.internal.threephase.Ballot;
import dev.assent.tm.internal.threephase.CoordinatorRun;
import dev.assent.tm.internal.threephase.Outcome;
import dev.assent.tm.internal.threephase.Parties;
import dev.assent.tm.internal.threephase.Register;
import dev.assent.tm.internal.threephase.RegisterState;
import dev.assent.tm.internal.threephase.TerminatorRun;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Assent's three-phase commit as a model for {@link ModelChecker}: the production {@link
 * Register}, {@link CoordinatorRun} and {@link TerminatorRun} driven through every interleaving
 * of the coordinator's and the terminators' steps, with the network as the adversary.
 *
 * <p>What may happen, in any order: the coordinator and each terminator send their requests one
 * participant at a time, stop waiting once every participant was asked, and resend completions
 * until answered; a terminator starts at any time, and starts again after being outbid or finding
 * nothing to do, up to {@code ballotsPerTerminator} ballots. A request may be answered, carried out
 * with its reply lost, or lost; a completion may be carried out only halfway (the final state
 * written, the branch not completed), as when its sender dies in between; and one of the
 * coordinator's ballot-0 writes at a time may be held up, to land at any later moment, after the
 * coordinator moved on. Each of these network faults counts against {@code faults}, the other
 * bound of the search.
 *
 * <p>Crashes and partitions need no steps of their own. A crashed actor is one that takes no
 * further step, and every state reached through a prefix of its steps is explored; a crashed
 * coordinator never returns, and having no log here, it has nothing to come back with. A
 * partition is a set of requests that are all lost, which the search also covers. Both matter
 * again for liveness, which {@link Liveness} checks with every other actor stopped and each
 * terminator cut off from all but a quorum.
 *
 * <p>An unprepared branch whose coordinator died stays ACTIVE here: it holds nothing anyone
 * decides on, and a terminator's abort rolls it back.
 */
final class ThreePhaseModel implements ModelChecker.Model<ThreePhaseModel.World> {

    static final Instant WRITTEN_AT = Instant.EPOCH;
    static final int COORDINATOR = 0;

    enum Branch {
        ACTIVE,
        PREPARED,
        COMMITTED,
        ROLLED_BACK
    }

    enum Kind {
        /** The vote: the PREPARED register write at ballot 0, then XA prepare. */
        PREPARE,
        PROMISE,
        /** A proposal at a ballot: PRECOMMITTED from the coordinator, either one from a terminator. */
        PROPOSE,
        /** The final state to the register, then XA commit or rollback of the branch. */
        COMPLETE,
        DELETE
    }

    /** What becomes of a request. */
    enum Delivery {
        REPLIED,
        REPLY_LOST,
        /** Lost on the way: the participant never sees it. */
        LOST,
        /** Only the first half is carried out (the sender died in between): no reply. */
        FIRST_HALF_ONLY,
        /** Held up: the sender stops waiting for it, and it may land at any later moment. */
        DELAYED
    }

    /** How much the search covers. */
    record Bounds(int participants, int terminators, int ballotsPerTerminator, int faults, boolean checkLiveness) {}

    /** A request; {@code state} is what a write writes. */
    record Request(int actor, int participant, Kind kind, RegisterState state, Ballot ballot) {}

    /** {@code asked}: the participants already sent this phase's request. */
    record Coordinator(CoordinatorRun run, Set<Integer> asked) {}

    /**
     * A terminator not started yet has no run. {@code reach} is all participants except in
     * liveness runs.
     */
    record Terminator(Optional<TerminatorRun> run, Set<Integer> asked, int ballotsTaken, Set<Integer> reach) {}

    record World(
            List<Optional<Register>> registers,
            List<Branch> branches,
            Coordinator coordinator,
            List<Terminator> terminators,
            Set<Request> delayed,
            int faults,
            boolean commitDecided,
            boolean abortDecided) {}

    /** What a participant answers. */
    private record Reply(boolean yes, Optional<Register.Promise> promise, Ballot refusedBy, boolean branchPrepared) {}

    /**
     * The protocol's rules where the model applies them; each mutation test overrides one to show
     * that the checker notices when that rule is broken.
     */
    static class Rules {
        /** Whether the register a promise creates is stored (the rule), or lost as if never made. */
        boolean remembersPromiseOnAbsentRegister() {
            return true;
        }

        /** How a terminator reads a register's promise. */
        Register.Promise read(Register.Promise promise) {
            return promise;
        }

        /** Whether the coordinator deletes each register as soon as its own participant is finished. */
        boolean deletesEachRegisterOnceFinished() {
            return false;
        }

        CoordinatorRun beginCoordinator(Parties parties) {
            return CoordinatorRun.begin(parties);
        }
    }

    private final Bounds bounds;
    private final Rules rules;
    private final Parties parties;
    private final Set<Integer> everyone;
    private final Liveness liveness;

    ThreePhaseModel(Bounds bounds, Rules rules) {
        this.bounds = bounds;
        this.rules = rules;
        this.parties = new Parties(
                IntStream.rangeClosed(1, bounds.participants())
                        .mapToObj(i -> "p" + i)
                        .toList(),
                "c");
        this.everyone =
                Set.copyOf(IntStream.range(0, bounds.participants()).boxed().toList());
        this.liveness = new Liveness(this);
    }

    Parties parties() {
        return parties;
    }

    Set<Integer> everyone() {
        return everyone;
    }

    @Override
    public World initial() {
        List<Optional<Register>> registers = new ArrayList<>();
        List<Branch> branches = new ArrayList<>();
        for (int i = 0; i < bounds.participants(); i++) {
            registers.add(Optional.empty());
            branches.add(Branch.ACTIVE);
        }
        List<Terminator> terminators = new ArrayList<>();
        for (int k = 0; k < bounds.terminators(); k++) {
            terminators.add(new Terminator(Optional.empty(), Set.of(), 0, everyone));
        }
        Coordinator coordinator = new Coordinator(rules.beginCoordinator(parties), Set.of());
        return new World(
                List.copyOf(registers),
                List.copyOf(branches),
                coordinator,
                List.copyOf(terminators),
                Set.of(),
                0,
                false,
                false);
    }

    // ---- steps ----

    @Override
    public void forEachStep(World world, ModelChecker.Steps<World> steps) {
        coordinatorSteps(world, steps);
        for (int k = 0; k < world.terminators().size(); k++) {
            terminatorSteps(world, k, steps);
        }
        for (Request late : world.delayed()) {
            World taken = withDelayed(world, without(world.delayed(), late));
            for (Delivery delivery : List.of(Delivery.REPLY_LOST, Delivery.FIRST_HALF_ONLY)) {
                World next = deliver(taken, late, delivery);
                if (next != null) {
                    steps.step(
                            new Text(
                                    "%s's held-up %s to %s%s",
                                    actor(late.actor()),
                                    describe(late),
                                    name(late.participant()),
                                    suffix(delivery, late)),
                            next);
                }
            }
        }
    }

    private void coordinatorSteps(World world, ModelChecker.Steps<World> steps) {
        Coordinator coordinator = world.coordinator();
        CoordinatorRun run = coordinator.run();
        CoordinatorRun.Phase phase = run.phase();
        if (phase == CoordinatorRun.Phase.DONE || phase == CoordinatorRun.Phase.TERMINATION_NEEDED) {
            return;
        }
        Kind kind = switch (phase) {
            case PREPARING -> Kind.PREPARE;
            case PRE_COMMITTING -> Kind.PROPOSE;
            case COMPLETING -> Kind.COMPLETE;
            case DELETING -> Kind.DELETE;
            case DONE, TERMINATION_NEEDED -> throw new AssertionError(phase);
        };
        RegisterState state = kind == Kind.DELETE ? null : run.write().state();
        for (int i = 0; i < bounds.participants(); i++) {
            // Completions are sent again until answered; every other request once per phase.
            boolean due = kind == Kind.COMPLETE
                    ? !run.completed().contains(name(i))
                    : !coordinator.asked().contains(i);
            if (due && (kind != Kind.DELETE || noTerminatorMidRun(world, COORDINATOR))) {
                send(world, new Request(COORDINATOR, i, kind, state, Ballot.ZERO), steps);
            }
        }
        boolean askedAll = coordinator.asked().size() == bounds.participants();
        if (askedAll && phase == CoordinatorRun.Phase.PREPARING) {
            steps.step(
                    new Text("coordinator stops waiting for votes: abort"),
                    withCoordinator(world, run.prepareTimedOut()));
        }
        if (askedAll && phase == CoordinatorRun.Phase.PRE_COMMITTING) {
            steps.step(
                    new Text("coordinator stops waiting for a quorum of pre-commits: termination needed"),
                    withCoordinator(world, run.proposalTimedOut()));
        }
    }

    private void terminatorSteps(World world, int k, ModelChecker.Steps<World> steps) {
        Terminator terminator = world.terminators().get(k);
        String who = actor(k + 1);
        if (terminator.run().isEmpty()) {
            steps.step(new Text("%s starts", who), start(world, k, terminator.reach()));
            return;
        }
        TerminatorRun run = terminator.run().get();
        TerminatorRun.Phase phase = run.phase();
        for (Request request : dueRequests(world, k)) {
            send(world, request, steps);
        }
        boolean askedAll = terminator.asked().containsAll(terminator.reach());
        if (askedAll && (phase == TerminatorRun.Phase.PROMISING || phase == TerminatorRun.Phase.PROPOSING)) {
            steps.step(new Text("%s stops waiting in %s", who, phase), withTerminatorRun(world, k, run.timedOut()));
        }
        if ((phase == TerminatorRun.Phase.OUTBID || phase == TerminatorRun.Phase.NOTHING_TO_DO)
                && terminator.ballotsTaken() < bounds.ballotsPerTerminator()) {
            steps.step(new Text("%s starts again", who), retry(world, k));
        }
    }

    /** The requests terminator {@code k} may send now, one per participant in reach. */
    List<Request> dueRequests(World world, int k) {
        Terminator terminator = world.terminators().get(k);
        TerminatorRun run = terminator.run().orElseThrow();
        Kind kind = switch (run.phase()) {
            case PROMISING -> Kind.PROMISE;
            case PROPOSING -> Kind.PROPOSE;
            case COMPLETING -> Kind.COMPLETE;
            case DELETING -> Kind.DELETE;
            case DONE, NOTHING_TO_DO, OUTBID -> null;
        };
        if (kind == null || (kind == Kind.DELETE && !noTerminatorMidRun(world, k + 1))) {
            return List.of();
        }
        RegisterState state =
                kind == Kind.PROPOSE || kind == Kind.COMPLETE ? run.write().state() : null;
        List<Request> due = new ArrayList<>();
        for (int i : terminator.reach()) {
            boolean isDue = kind == Kind.COMPLETE
                    ? !run.completed().contains(name(i))
                    : !terminator.asked().contains(i);
            if (isDue) {
                due.add(new Request(k + 1, i, kind, state, run.ballot()));
            }
        }
        return due;
    }

    /**
     * Registers are deleted only once no other terminator can be collecting promises or
     * proposing: a deleted register forgets its promise, so a terminator still holding an older
     * ballot would have it promised again and could decide from answers gathered before the
     * outcome was. In production that is a retention period, longer than any terminator lets a
     * run go on before it starts again (docs/protocols.md §5).
     */
    static boolean noTerminatorMidRun(World world, int deleter) {
        for (int k = 0; k < world.terminators().size(); k++) {
            if (k + 1 == deleter) {
                continue;
            }
            TerminatorRun.Phase phase =
                    world.terminators().get(k).run().map(TerminatorRun::phase).orElse(null);
            if (phase == TerminatorRun.Phase.PROMISING || phase == TerminatorRun.Phase.PROPOSING) {
                return false;
            }
        }
        return true;
    }

    /** Every fate of one request; at most one request per sender is held up at a time. */
    private void send(World world, Request request, ModelChecker.Steps<World> steps) {
        World asked = markAsked(world, request);
        for (Delivery delivery : Delivery.values()) {
            World next;
            if (delivery == Delivery.LOST) {
                next = afterDeletes(asked, request);
            } else if (delivery == Delivery.DELAYED) {
                // Only the coordinator's ballot-0 writes are held up, one at a time: a terminator's
                // late write meets the same ballot rule as its timely one.
                boolean canBeHeldUp = request.actor() == COORDINATOR
                        && (request.kind() == Kind.PREPARE || request.kind() == Kind.PROPOSE)
                        && world.delayed().isEmpty();
                next = !canBeHeldUp ? null : afterDeletes(withDelayed(asked, plus(world.delayed(), request)), request);
            } else {
                World delivered = deliver(asked, request, delivery);
                next = delivered == null ? null : afterDeletes(delivered, request);
            }
            if (next != null && delivery != Delivery.REPLIED) {
                next = next.faults() < bounds.faults() ? withFault(next) : null;
            }
            if (next != null) {
                steps.step(
                        new Text(
                                "%s's %s to %s%s",
                                actor(request.actor()),
                                describe(request),
                                name(request.participant()),
                                suffix(delivery, request)),
                        next);
            }
        }
    }

    /** The request carried out and answered, as in a run where nothing is lost. */
    World sendAnswered(World world, Request request) {
        World asked = markAsked(world, request);
        World delivered = deliver(asked, request, Delivery.REPLIED);
        return afterDeletes(delivered != null ? delivered : deliver(asked, request, Delivery.REPLY_LOST), request);
    }

    private World markAsked(World world, Request request) {
        int i = request.participant();
        if (request.actor() == COORDINATOR) {
            Coordinator coordinator = world.coordinator();
            return with(world, new Coordinator(coordinator.run(), plus(coordinator.asked(), i)));
        }
        int k = request.actor() - 1;
        Terminator terminator = world.terminators().get(k);
        return withTerminator(
                world,
                k,
                new Terminator(
                        terminator.run(), plus(terminator.asked(), i), terminator.ballotsTaken(), terminator.reach()));
    }

    /** Once every delete is sent, the sender is done. */
    private World afterDeletes(World world, Request request) {
        if (request.kind() != Kind.DELETE) {
            return world;
        }
        if (request.actor() == COORDINATOR) {
            Coordinator coordinator = world.coordinator();
            return coordinator.asked().size() == bounds.participants()
                    ? withCoordinator(world, coordinator.run().registersDeleted())
                    : world;
        }
        int k = request.actor() - 1;
        Terminator terminator = world.terminators().get(k);
        return terminator.asked().containsAll(terminator.reach())
                ? withTerminatorRun(world, k, terminator.run().orElseThrow().registersDeleted())
                : world;
    }

    World start(World world, int k, Set<Integer> reach) {
        TerminatorRun run = TerminatorRun.begin(parties, actor(k + 1), Ballot.ZERO);
        return withTerminator(world, k, new Terminator(Optional.of(run), Set.of(), 1, reach));
    }

    World retry(World world, int k) {
        Terminator terminator = world.terminators().get(k);
        TerminatorRun run = terminator.run().orElseThrow().retry();
        return withTerminator(
                world,
                k,
                new Terminator(Optional.of(run), Set.of(), terminator.ballotsTaken() + 1, terminator.reach()));
    }

    // ---- what a participant does with a request ----

    /** The world after {@code request} is carried out as far as {@code delivery} says, or null if that cannot happen. */
    World deliver(World world, Request request, Delivery delivery) {
        World taken = world;
        int i = request.participant();
        Optional<Register> register = world.registers().get(i);
        Branch branch = world.branches().get(i);
        switch (request.kind()) {
            case PREPARE -> {
                // The vote's register write comes first, then XA prepare: a vote landing after a
                // terminator aborted (and deleted the registers) then meets a rolled-back branch.
                Register.WriteResult result = Register.write(register, write(request), WRITTEN_AT);
                World written = withRegister(taken, i, result.register());
                if (delivery == Delivery.FIRST_HALF_ONLY) {
                    return null;
                }
                boolean prepares = result.accepted() && (branch == Branch.ACTIVE || branch == Branch.PREPARED);
                World prepared = prepares ? withBranch(written, i, Branch.PREPARED) : written;
                return replied(prepared, request, delivery, new Reply(prepares, Optional.empty(), null, false));
            }
            case PROMISE -> {
                if (delivery == Delivery.FIRST_HALF_ONLY) {
                    return null;
                }
                Register.PromiseResult result = Register.promise(register, request.ballot(), parties, WRITTEN_AT);
                World promised = register.isEmpty() && !rules.remembersPromiseOnAbsentRegister()
                        ? taken
                        : withRegister(taken, i, Optional.of(result.register()));
                Reply reply = new Reply(
                        result.given(), result.promise(), result.register().promised(), branch == Branch.PREPARED);
                return replied(promised, request, delivery, reply);
            }
            case PROPOSE -> {
                if (delivery == Delivery.FIRST_HALF_ONLY) {
                    return null;
                }
                Register.WriteResult result = Register.write(register, write(request), WRITTEN_AT);
                World written = withRegister(taken, i, result.register());
                Ballot refusedBy = result.accepted() ? null : result.refusedBy();
                return replied(
                        written, request, delivery, new Reply(result.accepted(), Optional.empty(), refusedBy, false));
            }
            case COMPLETE -> {
                Register.WriteResult result = Register.write(register, write(request), WRITTEN_AT);
                World written = withRegister(taken, i, result.register());
                if (delivery == Delivery.FIRST_HALF_ONLY) {
                    return written;
                }
                World completed = withBranch(written, i, completedBranch(branch, Outcome.of(request.state())));
                return replied(
                        completed, request, delivery, new Reply(result.accepted(), Optional.empty(), null, false));
            }
            case DELETE -> {
                // Deletes are not answered: carried out is all there is.
                return delivery == Delivery.REPLIED ? withRegister(taken, i, Optional.empty()) : null;
            }
        }
        throw new AssertionError(request.kind());
    }

    private Register.Write write(Request request) {
        return new Register.Write(request.state(), request.ballot(), parties);
    }

    private static Branch completedBranch(Branch branch, Outcome outcome) {
        if (outcome == Outcome.COMMIT) {
            return branch == Branch.PREPARED ? Branch.COMMITTED : branch;
        }
        return branch == Branch.ACTIVE || branch == Branch.PREPARED ? Branch.ROLLED_BACK : branch;
    }

    /** The reply reaches its sender, if it was not lost; null if the sender no longer waits for it. */
    private World replied(World world, Request request, Delivery delivery, Reply reply) {
        if (delivery == Delivery.REPLY_LOST) {
            return world;
        }
        String participant = name(request.participant());
        if (request.actor() == COORDINATOR) {
            CoordinatorRun run = world.coordinator().run();
            switch (request.kind()) {
                case PREPARE -> {
                    return run.phase() == CoordinatorRun.Phase.PREPARING
                            ? withCoordinator(world, run.voted(participant, reply.yes()))
                            : null;
                }
                case PROPOSE -> {
                    return run.phase() == CoordinatorRun.Phase.PRE_COMMITTING
                            ? withCoordinator(world, run.proposalAnswered(participant, reply.yes()))
                            : null;
                }
                case COMPLETE -> {
                    if (run.phase() != CoordinatorRun.Phase.COMPLETING) {
                        return null;
                    }
                    if (reply.yes() && rules.deletesEachRegisterOnceFinished()) {
                        world = withRegister(world, request.participant(), Optional.empty());
                    }
                    return withCoordinator(world, run.completed(participant, reply.yes()));
                }
                default -> throw new AssertionError(request.kind());
            }
        }
        int k = request.actor() - 1;
        TerminatorRun run = world.terminators().get(k).run().orElseThrow();
        if (!run.ballot().equals(request.ballot())) {
            return null;
        }
        switch (request.kind()) {
            case PROMISE -> {
                if (run.phase() != TerminatorRun.Phase.PROMISING) {
                    return null;
                }
                TerminatorRun next = reply.yes()
                        ? run.promised(participant, rules.read(reply.promise().orElseThrow()), reply.branchPrepared())
                        : run.refused(reply.refusedBy());
                return withTerminatorRun(world, k, next);
            }
            case PROPOSE -> {
                if (run.phase() != TerminatorRun.Phase.PROPOSING) {
                    return null;
                }
                TerminatorRun next = reply.yes() ? run.proposalTaken(participant) : run.refused(reply.refusedBy());
                return withTerminatorRun(world, k, next);
            }
            case COMPLETE -> {
                return run.phase() == TerminatorRun.Phase.COMPLETING
                        ? withTerminatorRun(world, k, run.completed(participant, reply.yes()))
                        : null;
            }
            default -> throw new AssertionError(request.kind());
        }
    }

    // ---- what must hold ----

    @Override
    public Optional<String> violation(World world) {
        List<Branch> branches = world.branches();
        if (branches.contains(Branch.COMMITTED) && branches.contains(Branch.ROLLED_BACK)) {
            return Optional.of("branches ended differently: " + describeBranches(world));
        }
        if (world.commitDecided() && world.abortDecided()) {
            return Optional.of("both commit and abort were decided");
        }
        boolean committed = false;
        boolean aborted = false;
        for (Optional<Register> register : world.registers()) {
            RegisterState state = register.map(Register::state).orElse(RegisterState.NONE);
            committed |= state == RegisterState.COMMITTED;
            aborted |= state == RegisterState.ABORTED;
        }
        if (committed && aborted) {
            return Optional.of("registers hold both COMMITTED and ABORTED");
        }
        return bounds.checkLiveness() ? liveness.violation(world) : Optional.empty();
    }

    // ---- small immutable updates ----

    World withCoordinator(World world, CoordinatorRun run) {
        boolean samePhase = run.phase() == world.coordinator().run().phase();
        Set<Integer> asked = samePhase ? world.coordinator().asked() : Set.of();
        return settle(with(world, new Coordinator(run, asked)));
    }

    World withTerminatorRun(World world, int k, TerminatorRun run) {
        Terminator terminator = world.terminators().get(k);
        TerminatorRun before = terminator.run().orElseThrow();
        boolean samePhase = run.phase() == before.phase() && run.ballot().equals(before.ballot());
        Set<Integer> asked = samePhase ? terminator.asked() : Set.of();
        return withTerminator(
                world, k, new Terminator(Optional.of(run), asked, terminator.ballotsTaken(), terminator.reach()));
    }

    World withTerminator(World world, int k, Terminator terminator) {
        List<Terminator> terminators = new ArrayList<>(world.terminators());
        terminators.set(k, terminator);
        return settle(new World(
                world.registers(),
                world.branches(),
                world.coordinator(),
                List.copyOf(terminators),
                world.delayed(),
                world.faults(),
                world.commitDecided(),
                world.abortDecided()));
    }

    private static World with(World world, Coordinator coordinator) {
        return new World(
                world.registers(),
                world.branches(),
                coordinator,
                world.terminators(),
                world.delayed(),
                world.faults(),
                world.commitDecided(),
                world.abortDecided());
    }

    private static World withFault(World world) {
        return new World(
                world.registers(),
                world.branches(),
                world.coordinator(),
                world.terminators(),
                world.delayed(),
                world.faults() + 1,
                world.commitDecided(),
                world.abortDecided());
    }

    private static World withDelayed(World world, Set<Request> delayed) {
        return new World(
                world.registers(),
                world.branches(),
                world.coordinator(),
                world.terminators(),
                delayed,
                world.faults(),
                world.commitDecided(),
                world.abortDecided());
    }

    private static World withRegister(World world, int i, Optional<Register> register) {
        if (world.registers().get(i).equals(register)) {
            return world;
        }
        List<Optional<Register>> registers = new ArrayList<>(world.registers());
        registers.set(i, register);
        return new World(
                List.copyOf(registers),
                world.branches(),
                world.coordinator(),
                world.terminators(),
                world.delayed(),
                world.faults(),
                world.commitDecided(),
                world.abortDecided());
    }

    private static World withBranch(World world, int i, Branch branch) {
        if (world.branches().get(i) == branch) {
            return world;
        }
        List<Branch> branches = new ArrayList<>(world.branches());
        branches.set(i, branch);
        return new World(
                world.registers(),
                List.copyOf(branches),
                world.coordinator(),
                world.terminators(),
                world.delayed(),
                world.faults(),
                world.commitDecided(),
                world.abortDecided());
    }

    /** Records every decision any actor holds, so that a contradiction is seen even after the actor moves on. */
    private static World settle(World world) {
        boolean commit = world.commitDecided();
        boolean abort = world.abortDecided();
        Optional<Outcome> coordinatorDecision = world.coordinator().run().decision();
        commit |= coordinatorDecision.equals(Optional.of(Outcome.COMMIT));
        abort |= coordinatorDecision.equals(Optional.of(Outcome.ABORT));
        for (Terminator terminator : world.terminators()) {
            Optional<Outcome> decision = terminator.run().flatMap(TerminatorRun::decision);
            commit |= decision.equals(Optional.of(Outcome.COMMIT));
            abort |= decision.equals(Optional.of(Outcome.ABORT));
        }
        if (commit == world.commitDecided() && abort == world.abortDecided()) {
            return world;
        }
        return new World(
                world.registers(),
                world.branches(),
                world.coordinator(),
                world.terminators(),
                world.delayed(),
                world.faults(),
                commit,
                abort);
    }

    private static <T> Set<T> plus(Set<T> set, T element) {
        if (set.contains(element)) {
            return set;
        }
        Set<T> grown = new HashSet<>(set);
        grown.add(element);
        return Set.copyOf(grown);
    }

    private static <T> Set<T> without(Set<T> set, T element) {
        Set<T> shrunk = new HashSet<>(set);
        shrunk.remove(element);
        return Set.copyOf(shrunk);
    }

    // ---- names for traces ----

    static String name(int participant) {
        return "p" + (participant + 1);
    }

    static String actor(int actor) {
        return actor == COORDINATOR ? "coordinator" : "t" + actor;
    }

    private static String describe(Request request) {
        return switch (request.kind()) {
            case PREPARE -> "vote request (PREPARED@b0, then XA prepare)";
            case PROMISE -> "promise request at " + request.ballot();
            case PROPOSE, COMPLETE -> request.state() + "@" + request.ballot();
            case DELETE -> "delete";
        };
    }

    private static String suffix(Delivery delivery, Request request) {
        return switch (delivery) {
            case LOST -> " is lost";
            case DELAYED -> " is held up";
            case FIRST_HALF_ONLY ->
                request.kind() == Kind.PREPARE
                        ? " is half carried out (register written; the XA prepare never comes)"
                        : " is half carried out (register written; the branch is not completed)";
            case REPLY_LOST -> " is carried out (reply lost)";
            case REPLIED -> request.kind() == Kind.DELETE ? " is carried out" : " is answered";
        };
    }

    static String describeBranches(World world) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < world.branches().size(); i++) {
            parts.add(name(i) + " " + world.branches().get(i));
        }
        return String.join(", ", parts);
    }

    /** A step's description, formatted only when a trace is printed. */
    record Text(String pattern, Object... args) {
        @Override
        public String toString() {
            return String.format(pattern, args);
        }
    }
}
