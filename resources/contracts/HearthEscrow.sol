// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

/// @title Hearth escrow: payers deposit one token; providers redeem the payers' cumulative vouchers.
/// @notice A voucher is the payer's EIP-712 signature over what one provider has earned from it in
/// total. A claim pays the difference to what was already paid, capped by the payer's deposit, so a
/// partly paid voucher can be claimed again after a top-up. Deposits leave only through an announced
/// withdrawal after `withdrawalDelay`, which gives providers time to claim what they are owed first.
contract HearthEscrow is EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    struct Withdrawal {
        uint256 amount;
        uint64 readyAt;
    }

    bytes32 public constant VOUCHER_TYPEHASH =
        keccak256("Voucher(address payer,address provider,uint256 cumulativeAmount)");

    /// @notice How long an announced withdrawal may be carried out once ready. After that it lapses and
    /// must be announced again (with a new delay), so an old announcement cannot become a standing
    /// permission to withdraw at any moment without notice.
    uint64 public constant WITHDRAWAL_WINDOW = 1 days;

    IERC20 public immutable token;
    uint64 public immutable withdrawalDelay;

    /// @notice Deposited and not yet claimed or withdrawn, per payer.
    mapping(address payer => uint256) public balanceOf;
    /// @notice What a payer's vouchers have paid a provider so far (cumulative).
    mapping(address payer => mapping(address provider => uint256)) public claimed;
    mapping(address payer => Withdrawal) public pendingWithdrawal;

    event Deposited(address indexed payer, address indexed from, uint256 amount);
    event Claimed(address indexed payer, address indexed provider, uint256 amount, uint256 cumulativeClaimed);
    event WithdrawalAnnounced(address indexed payer, uint256 amount, uint64 readyAt);
    event WithdrawalCancelled(address indexed payer);
    event Withdrawn(address indexed payer, uint256 amount);

    error ZeroAddress();
    error ZeroAmount();
    /// @dev The signature is not the payer's for this chain and this contract (the domain binds both).
    error InvalidSigner();
    /// @dev The voucher is not above what was already claimed: a repeated or older voucher.
    error NothingToClaim();
    /// @dev The voucher is owed more, but the payer's deposit is empty.
    error InsufficientDeposit();
    error NoWithdrawalAnnounced();
    error WithdrawalNotReady(uint64 readyAt);
    error WithdrawalExpired(uint64 expiredAt);

    constructor(IERC20 token_, uint64 withdrawalDelay_) EIP712("Hearth Escrow", "1") {
        if (address(token_) == address(0)) revert ZeroAddress();
        token = token_;
        withdrawalDelay = withdrawalDelay_;
    }

    function deposit(uint256 amount) external {
        depositFor(msg.sender, amount);
    }

    /// @notice Tops up someone else's deposit; only that payer can ever withdraw it.
    function depositFor(address payer, uint256 amount) public nonReentrant {
        if (payer == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        balanceOf[payer] += amount;
        emit Deposited(payer, msg.sender, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @notice Pays `provider` what the payer's voucher owes beyond earlier claims, as far as the
    /// deposit reaches. Anyone may submit it: the payment always goes to the provider in the voucher.
    function claim(address payer, address provider, uint256 cumulativeAmount, bytes calldata signature)
        external
        nonReentrant
        returns (uint256 paid)
    {
        address signer = ECDSA.recoverCalldata(hashVoucher(payer, provider, cumulativeAmount), signature);
        if (signer != payer) revert InvalidSigner();

        uint256 alreadyClaimed = claimed[payer][provider];
        if (cumulativeAmount <= alreadyClaimed) revert NothingToClaim();
        uint256 available = balanceOf[payer];
        if (available == 0) revert InsufficientDeposit();

        uint256 owed = cumulativeAmount - alreadyClaimed;
        paid = owed < available ? owed : available;
        uint256 cumulativeClaimed = alreadyClaimed + paid;
        claimed[payer][provider] = cumulativeClaimed;
        balanceOf[payer] = available - paid;
        emit Claimed(payer, provider, paid, cumulativeClaimed);
        token.safeTransfer(provider, paid);
    }

    /// @notice Starts (or restarts, replacing the earlier one) the delay before `withdraw`. The deposit
    /// stays claimable until then, so providers can still redeem their vouchers.
    function announceWithdrawal(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint64 readyAt = uint64(block.timestamp) + withdrawalDelay;
        pendingWithdrawal[msg.sender] = Withdrawal(amount, readyAt);
        emit WithdrawalAnnounced(msg.sender, amount, readyAt);
    }

    function cancelWithdrawal() external {
        if (pendingWithdrawal[msg.sender].amount == 0) revert NoWithdrawalAnnounced();
        delete pendingWithdrawal[msg.sender];
        emit WithdrawalCancelled(msg.sender);
    }

    /// @notice Pays the announced amount back, or what claims have left of it.
    function withdraw() external nonReentrant returns (uint256 paid) {
        Withdrawal memory pending = pendingWithdrawal[msg.sender];
        if (pending.amount == 0) revert NoWithdrawalAnnounced();
        if (block.timestamp < pending.readyAt) revert WithdrawalNotReady(pending.readyAt);
        if (block.timestamp > pending.readyAt + WITHDRAWAL_WINDOW) revert WithdrawalExpired(pending.readyAt + WITHDRAWAL_WINDOW);

        uint256 available = balanceOf[msg.sender];
        paid = pending.amount < available ? pending.amount : available;
        delete pendingWithdrawal[msg.sender];
        balanceOf[msg.sender] = available - paid;
        emit Withdrawn(msg.sender, paid);
        if (paid > 0) token.safeTransfer(msg.sender, paid);
    }

    /// @notice The EIP-712 digest a payer signs; off-chain code checks its own hashing against it.
    function hashVoucher(address payer, address provider, uint256 cumulativeAmount) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, payer, provider, cumulativeAmount)));
    }

    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }
}
